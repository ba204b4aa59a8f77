/// Why a server response could not be parsed.
struct ParseError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What the parser expected.
    var expected: String
    /// The byte offset within the response where parsing failed.
    var offset: Int

    var description: String { "expected \(expected) at byte \(offset)" }
}
