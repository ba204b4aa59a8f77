import CBerkeleyDB
import Glibc

/// A failed Berkeley DB call: the function that failed, its return code and the
/// library's message for it.
public struct BerkeleyDBError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The C function (or method) that failed, e.g. `DB->put`.
    public var function: String
    /// Berkeley DB's or the system's error number.
    public var code: Int32
    /// The file involved, when there is one.
    public var file: String?
    /// What the library reported through its error callback during the call, if anything.
    public var message: String?

    /// Creates an error, taking the messages the library reported on this thread.
    public init(function: String, code: Int32, file: String? = nil) {
        self.function = function
        self.code = code
        self.file = file
        self.message = LibraryMessages.take()
    }

    /// True for a deadlock the caller should retry.
    public var isDeadlock: Bool { code == DB_LOCK_DEADLOCK }
    /// True when the environment needs recovery (a process died holding it, or the
    /// library gave up after a failed write or a damaged page): close and reopen it.
    public var needsRecovery: Bool { code == DB_RUNRECOVERY }
    /// True when the file system is full or out of quota.
    public var isNoSpace: Bool { code == ENOSPC || code == EDQUOT }
    /// True when a file does not read back as a Berkeley DB file of the expected kind:
    /// a damaged page, a damaged metadata page, a truncated file.
    public var isDamagedFile: Bool {
        code == DB_VERIFY_BAD || code == DB_PAGE_NOTFOUND || code == EINVAL || code == DB_RUNRECOVERY
    }

    public var description: String {
        let text = String(cString: db_strerror(code))
        let detail = message.map { ": \($0)" } ?? ""
        if let file { return "\(function) on \(file): \(text) (\(code))\(detail)" }
        return "\(function): \(text) (\(code))\(detail)"
    }
}

/// Runs one Berkeley DB call and turns a non-zero return code into a typed error.
@inline(__always)
func check(_ function: @autoclosure () -> String, file: String? = nil, _ body: () -> Int32) throws(BerkeleyDBError) {
    LibraryMessages.clear()
    let code = body()
    if code != 0 { throw BerkeleyDBError(function: function(), code: code, file: file) }
}
