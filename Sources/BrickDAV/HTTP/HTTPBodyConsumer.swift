/// Takes a 207 answer's body piece by piece as it arrives, so that the response
/// never holds it whole (`HTTPRequestMessage.consumer`). Called on the connection's
/// event loop, one call at a time.
public protocol HTTPBodyConsumer: AnyObject, Sendable {
    /// A new answer begins (the request went again on a new connection): forget
    /// what was consumed so far.
    func restart()
    /// The next piece of the body.
    func consume(_ bytes: UnsafeRawBufferPointer)
}
