/// What a command produced: its tagged completion and the untagged responses that
/// arrived while it was the oldest command in flight.
struct CommandCompletion: Equatable, Sendable {
    /// The tagged response.
    var tagged: TaggedResponse
    /// Untagged responses, in arrival order.
    var untagged: [UntaggedResponse]

    /// True when the command completed with OK.
    var isOK: Bool { tagged.status == .ok }
}
