import CBerkeleyDB

/// A failed Berkeley DB call: the function that failed, its return code and the
/// library's message for it.
public struct BerkeleyDBError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The C function (or method) that failed, e.g. `DB->put`.
    public var function: String
    /// Berkeley DB's or the system's error number.
    public var code: Int32
    /// The file involved, when there is one.
    public var file: String?

    /// True for a deadlock the caller should retry.
    public var isDeadlock: Bool { code == DB_LOCK_DEADLOCK }
    /// True when the environment needs recovery (a process died holding it).
    public var needsRecovery: Bool { code == DB_RUNRECOVERY }

    public var description: String {
        let message = String(cString: db_strerror(code))
        if let file { return "\(function) on \(file): \(message) (\(code))" }
        return "\(function): \(message) (\(code))"
    }
}

/// Runs one Berkeley DB call and turns a non-zero return code into a typed error.
@inline(__always)
func check(_ function: @autoclosure () -> String, file: String? = nil, _ body: () -> Int32) throws(BerkeleyDBError) {
    let code = body()
    if code != 0 { throw BerkeleyDBError(function: function(), code: code, file: file) }
}
