import Foundation

/// Damage to the pages of an item file, as bit rot on disk would do it.
enum ItemFilePages {
    /// Flips one byte in the middle of every page after the metadata page, so that the
    /// first page any reader fetches fails its checksum.
    static func flipOneByteInEachPageButTheFirst(of file: URL, pageSize: Int = 16 * 1024) throws {
        var bytes = [UInt8](try Data(contentsOf: file))
        var page = 1
        while page * pageSize + pageSize / 2 < bytes.count {
            bytes[page * pageSize + pageSize / 2] ^= 0x5A
            page += 1
        }
        try Data(bytes).write(to: file)
    }

    /// The directory of the live folder at `path`, found through its `path` file.
    static func folderDirectory(_ userDirectory: URL, path: String) throws -> URL? {
        let folders = userDirectory.appendingPathComponent("folders")
        guard let walker = FileManager.default.enumerator(at: folders, includingPropertiesForKeys: nil) else { return nil }
        for case let file as URL in walker where file.lastPathComponent == "path" {
            if try String(contentsOf: file, encoding: .utf8).trimmingCharacters(in: .newlines) == path {
                return file.deletingLastPathComponent()
            }
        }
        return nil
    }
}
