import Logging
import NIOCore

/// Bytes for a ManageSieve server and how many responses they bring back.
struct SieveRequest: Sendable {
    /// The command's bytes (empty: only wait, e.g. for the greeting).
    var bytes: [UInt8]
    /// One promise per response expected, in order.
    var promises: [EventLoopPromise<SieveResponse>]
}

/// Writes ManageSieve commands and cuts the responses out of the bytes received,
/// fulfilling the promises in order (ManageSieve answers commands in the order sent).
/// Runs on the channel's event loop only.
final class ManageSieveHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = SieveRequest
    typealias OutboundOut = ByteBuffer

    private var received: [UInt8] = []
    private var waiting: [EventLoopPromise<SieveResponse>] = []
    private var failure: IMAPError?
    private let host: String

    /// A handler whose first promise, `greeting`, the server's greeting fulfils.
    init(host: String, greeting: EventLoopPromise<SieveResponse>) {
        self.host = host
        waiting = [greeting]
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let request = unwrapOutboundIn(data)
        promise?.succeed(())
        if let failure {
            for waiter in request.promises { waiter.fail(failure) }
            return
        }
        waiting += request.promises
        if !request.bytes.isEmpty {
            context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: request.bytes)), promise: nil)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        received += buffer.readableBytesView
        do {
            while let parsed = try SieveResponseParser.parse(received[...]) {
                received.removeFirst(parsed.length)
                let response = parsed.response
                guard !waiting.isEmpty else {
                    if response.status == .bye { fail(.connectionClosed(host: host, serverText: response.text), context: context) }
                    continue
                }
                waiting.removeFirst().succeed(response)
            }
        } catch {
            fail(.protocolError(host: host, detail: "ManageSieve: \(error)"), context: context)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(.connectionClosed(host: host, serverText: nil), context: nil)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(ChannelSupport.mapError(error, host: host), context: context)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read, !waiting.isEmpty {
            fail(.timedOut(host: host, waitingFor: "a ManageSieve response"), context: context)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    private func fail(_ error: IMAPError, context: ChannelHandlerContext?) {
        if failure == nil { failure = error }
        let pending = waiting
        waiting.removeAll()
        for waiter in pending { waiter.fail(error) }
        context?.close(promise: nil)
    }
}
