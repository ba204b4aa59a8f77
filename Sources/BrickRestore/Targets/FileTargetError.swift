#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import BrickCore

/// Why a file-based restore target (mbox, .eml) failed.
public enum FileTargetError: Error, Sendable, CustomStringConvertible {
    /// A system call failed on `path`.
    case system(operation: String, path: String, errno: Int32)
    /// A single-file mbox target was asked to take a second folder.
    case singleFileHoldsOneFolder(file: String, holding: FolderPath, requested: FolderPath)
    /// A message to remove was not listed by this target.
    case unknownCopy(file: String, locator: String)
    /// A file changed since its messages were listed, so the listed places may hold
    /// other messages now.
    case changedSinceListing(file: String, detail: String)

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
        }
    }
}
