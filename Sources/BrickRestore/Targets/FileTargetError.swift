#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import BrickCore

/// Why a file-based restore target (mbox, .eml) failed.
public enum FileTargetError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A system call failed on `path`.
    case system(operation: String, path: String, errno: Int32)
    /// A single-file mbox target was asked to take a second folder.
    case singleFileHoldsOneFolder(file: String, holding: FolderPath, requested: FolderPath)
    /// A message to remove was not listed by this target.
    case unknownCopy(file: String, locator: String)
    /// A file changed since its messages were listed, so the listed places may hold
    /// other messages now.
    case changedSinceListing(file: String, detail: String)
    /// A symbolic link where the target's file or directory should be: never followed.
    case symbolicLink(path: String)
    /// An existing file given as an mbox target that does not start with `From `.
    case notAnMbox(file: String)
    /// A single-file mbox target asked to take the items of several folders.
    case selectionSpansFolders(file: String, folders: [FolderPath])
    /// An ics: or vcf: target asked to replace what it wrote (`--overwrite`).
    case cannotReplace(target: String)
    /// A calendar item for a vcf: target, or a contact for an ics: target.
    case wrongItemKind(key: String, kind: String, format: String)
    /// An item that is neither iCalendar nor vCard, for a collection file.
    case notCalendarData(key: String, problems: [String], format: String)
    /// An existing collection file that does not hold what its suffix says.
    case notACollection(file: String, format: String)

    /// A readable account of the failure.
    public var description: String {
        switch self {
        case .system(let operation, let path, let code):
            return "\(operation) failed on \(path): \(String(cString: strerror(code))) (errno \(code))"
        case .singleFileHoldsOneFolder(let file, let holding, let requested):
            return "the mbox file \(file) already receives folder \"\(holding)\"; cannot also restore "
                + "\"\(requested)\" into it (give a directory to get one mbox file per folder)"
        case .unknownCopy(let file, let locator):
            return "\"\(locator)\" is not a message this target listed in \(file)"
        case .changedSinceListing(let file, let detail):
            return "\(file) changed since its messages were listed (\(detail)); nothing removed"
        case .symbolicLink(let path):
            return "refusing to write through the symbolic link \(path): restore targets never follow links"
        case .notAnMbox(let file):
            return "\(file) exists and is not an mbox file (it does not start with \"From \"); nothing written"
        case .selectionSpansFolders(let file, let folders):
            let names = folders.prefix(5).map { "\"\($0)\"" }.joined(separator: ", ") + (folders.count > 5 ? ", ..." : "")
            return "the mbox file \(file) holds one folder, but the selection has items in \(folders.count) folders "
                + "(\(names)); give --folder, or a directory (mbox:DIR/) for one mbox file per folder; nothing written"
        case .cannotReplace(let target):
            return "\(target) does not replace what it wrote: restore into a new directory instead of --overwrite"
        case .wrongItemKind(let key, let kind, let format):
            let other = format == "ics" ? "vcf" : "ics"
            let what = kind == "contact" ? "a contact" : "a calendar \(kind)"
            return "\(key) is \(what) and cannot go into a .\(format) file; restore it with --to \(other):DIR"
        case .notCalendarData(let key, let problems, let format):
            return "\(key) is not \(format == "ics" ? "iCalendar" : "a vCard") (\(problems.joined(separator: "; "))); "
                + "restore it with --split to get its bytes as backed up"
        case .notACollection(let file, let format):
            return "\(file) exists and is not a .\(format) file; nothing written"
        }
    }
}
