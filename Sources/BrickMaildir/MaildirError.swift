import BrickCore
import Glibc

/// Everything that can go wrong in the Maildir source and target, with the path,
/// folder or key it concerns.
public enum MaildirError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The Maildir root does not exist or is not a directory.
    case notAMaildir(path: String)
    /// A folder listed earlier is gone, or its upstream name does not name a folder.
    case folderNotFound(folder: FolderPath, upstreamName: String)
    /// A system call failed; `errno` is the C error number.
    case systemCall(function: String, path: String, errno: Int32)
    /// A message could not be written into a folder.
    case writeFailed(folder: FolderPath, key: ItemKey, path: String, errno: Int32)
    /// A message to remove was not listed by this target (not `cur/NAME` or `new/NAME`).
    case unknownCopy(folder: FolderPath, locator: String)
    /// A `{user}` template is malformed (none, or more than one `{user}`).
    case invalidTemplate(template: String, reason: String)
    /// A symbolic link where a folder, message file or target file was expected; never followed.
    case symbolicLink(path: String)
    /// A FIFO, socket, device or directory where a regular file was expected.
    case notARegularFile(path: String, kind: String)
    /// A file where a directory was expected.
    case notADirectory(path: String)
    /// A message file changed (size or mtime) while it was streamed to the store.
    case changedWhileRead(path: String)
    /// A user name that would leave the template's directory (`/`, `..`) or is empty.
    case invalidUserName(user: String)
    /// A setting whose name cannot be a file name of Dovecot's (a Sieve script named
    /// with `/`, NUL, a leading dot or nothing): refused, never written elsewhere.
    case invalidSettingName(kind: String, name: String)
    /// A file of someone else's where a restored setting would go (a regular file
    /// where Dovecot's active-script link is).
    case settingInTheWay(path: String)
    /// A folder's `dovecot-uidlist` without a mailbox GUID (an old version-1 file), so
    /// its annotations have no key in Dovecot's attribute dictionary.
    case noMailboxGUID(path: String)

    /// One line naming what failed and where.
    public var description: String {
        switch self {
        case .notAMaildir(let path):
            return "not a Maildir (no such directory): \(path)"
        case .folderNotFound(let folder, let upstreamName):
            return "folder \(folder) not found in the Maildir (directory \(upstreamName))"
        case .systemCall(let function, let path, let code):
            return "\(function)(\(path)) failed: \(MaildirError.message(for: code))"
        case .writeFailed(let folder, let key, let path, let code):
            return "cannot write \(key) into \(folder) at \(path): \(MaildirError.message(for: code))"
        case .unknownCopy(let folder, let locator):
            return "\"\(locator)\" is not a message file the Maildir target listed in \(folder)"
        case .symbolicLink(let path):
            return "refusing symbolic link \(path): links in a Maildir or a restore target are never followed"
        case .notARegularFile(let path, let kind):
            return "\(path) is a \(kind), not a regular file"
        case .notADirectory(let path):
            return "\(path) is a file, not a directory"
        case .changedWhileRead(let path):
            return "\(path) changed while it was read; it is read again next run"
        case .invalidTemplate(let template, let reason):
            return "invalid Maildir template \(template): \(reason)"
        case .invalidUserName(let user):
            return "invalid user name \"\(user)\": must be non-empty and contain neither / nor .."
        case .invalidSettingName(let kind, let name):
            return "\(kind) \"\(name.debugDescription.dropFirst().dropLast())\": the name cannot be a Dovecot file name"
        case .settingInTheWay(let path):
            return "\(path) is a regular file, not the active-script link; left alone"
        case .noMailboxGUID(let path):
            return "\(path) has no mailbox GUID (let Dovecot open the folder once)"
        }
    }

    /// The C library's text for an error number.
    static func message(for code: Int32) -> String {
        guard let text = strerror(code) else { return "errno \(code)" }
        return String(cString: text)
    }
}
