import NIOCore
import NIOHTTP1

/// The channel handler that turns response parts into whole responses, one per
/// request written, in order (the client sends one request at a time on a
/// connection). A 207 body goes to the request's consumer as it arrives when it has
/// one, else is held whole; either way a body larger than `limit` fails the request
/// and closes the connection. A read timeout or a closed connection fails what is
/// waiting.
final class HTTPResponseCollector: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart

    private let host: String
    private let limit: Int
    private var waiting: [(promise: EventLoopPromise<HTTPResponseMessage>, consumer: (any HTTPBodyConsumer)?)] = []
    private var head: HTTPResponseHead?
    private var streaming: (any HTTPBodyConsumer)?
    private var received = 0
    private var body: [UInt8] = []
    private var overflow = false
    private var inactive = false

    init(host: String, limit: Int) {
        self.host = host
        self.limit = limit
    }

    /// Registers the promise of the next response, and what takes its body when it is
    /// a 207; call on the channel's event loop.
    func expect(_ promise: EventLoopPromise<HTTPResponseMessage>, consumer: (any HTTPBodyConsumer)? = nil) {
        guard !inactive else {
            promise.fail(DAVError.connectionClosed(host: host, detail: "closed before the request"))
            return
        }
        waiting.append((promise, consumer))
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let responseHead):
            head = responseHead
            body.removeAll(keepingCapacity: true)
            received = 0
            overflow = false
            streaming = responseHead.status.code == 207 ? waiting.first?.consumer : nil
            streaming?.restart()
        case .body(var buffer):
            guard !overflow else { return }
            received += buffer.readableBytes
            if received > limit {
                overflow = true
                failFirst(DAVError.responseTooLarge(href: "", limit: limit))
                context.close(promise: nil)
                return
            }
            if let streaming {
                buffer.withUnsafeReadableBytes { streaming.consume($0) }
            } else {
                body += buffer.readBytes(length: buffer.readableBytes) ?? []
            }
        case .end:
            guard let head, !overflow else { return }
            self.head = nil
            streaming = nil
            let response = HTTPResponseMessage(
                status: Int(head.status.code), headers: head.headers.map { ($0.name, $0.value) }, body: body,
                keepAlive: head.isKeepAlive)
            body = []
            if !waiting.isEmpty { waiting.removeFirst().promise.succeed(response) }
            if !head.isKeepAlive { context.close(promise: nil) }
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            failAll(DAVError.timedOut(host: host))
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        failAll(error)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        inactive = true
        failAll(DAVError.connectionClosed(host: host, detail: head == nil ? "no answer" : "answer cut off"))
        context.fireChannelInactive()
    }

    private func failFirst(_ error: any Error) {
        if !waiting.isEmpty { waiting.removeFirst().promise.fail(error) }
    }

    private func failAll(_ error: any Error) {
        let promises = waiting
        waiting = []
        for (promise, _) in promises { promise.fail(error) }
    }
}
