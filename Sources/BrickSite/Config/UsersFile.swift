import Foundation

/// A file of user names: one a line, `#` starts a comment, blank lines ignored.
public enum UsersFile {
    /// The names in the file, without duplicates, in order.
    public static func read(_ path: String) throws(UserSetError) -> [String] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .unreadableFile(path: path, reason: String(cString: strerror(access(path, R_OK) == 0 ? EISDIR : errno)))
        }
        return parse(String(decoding: data, as: UTF8.self))
    }

    /// The names in `text`.
    public static func parse(_ text: String) -> [String] {
        var seen = Set<String>()
        return text.split(whereSeparator: \.isNewline)
            .map { $0.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? "" }
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && seen.insert($0).inserted }
    }
}
