/// A failed libxxhash call, with the function's name.
public struct XXHashError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The libxxhash function that failed.
    public var function: String
    /// What went wrong.
    public var detail: String
    public var description: String { "\(function): \(detail)" }
}
