import NIOCore
import NIOSSL

/// What the IMAP and ManageSieve connections share about their NIO channel: how an
/// error from the channel becomes an `IMAPError`, waiting for a response's future,
/// and putting TLS in front of a channel after STARTTLS.
enum ChannelSupport {
    /// The `IMAPError` for an error a channel or its handlers raised: itself when it
    /// is one, `tlsFailed` for a TLS error, else `connectionClosed`.
    static func mapError(_ error: any Error, host: String) -> IMAPError {
        if let imapError = error as? IMAPError { return imapError }
        if error is NIOSSLError || error is NIOSSLExtraError || error is BoringSSLError {
            return .tlsFailed(host: host, underlying: String(describing: error))
        }
        return .connectionClosed(host: host, serverText: String(describing: error))
    }

    /// Waits for `future`; its failure comes back mapped by `mapError`.
    static func wait<Value: Sendable>(_ future: EventLoopFuture<Value>, host: String) async throws(IMAPError) -> Value {
        do {
            return try await future.get()
        } catch {
            throw mapError(error, host: host)
        }
    }

    /// Adds the TLS client handler at the front of `channel`'s pipeline, with the SNI
    /// name of `host` (none for an IP address).
    static func addTLS(to channel: any Channel, context: NIOSSLContext, host: String) async throws(IMAPError) {
        do {
            let serverName = IMAPConnection.sniName(host)
            try await channel.eventLoop.submit {
                let handler = try NIOSSLClientHandler(context: context, serverHostname: serverName)
                try channel.pipeline.syncOperations.addHandler(handler, position: .first)
            }.get()
        } catch {
            throw .tlsFailed(host: host, underlying: String(describing: error))
        }
    }
}
