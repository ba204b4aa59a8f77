import Logging
import NIOCore
import NIOSSL

/// A command handed to the channel, with the promise its completion fulfils.
struct IMAPRequest: Sendable {
    /// Builds the command's bytes for a tag.
    var factory: EncodedCommandFactory
    /// The command's name, for logs and errors.
    var name: String
    /// True for STARTTLS: bytes buffered after its OK are dropped.
    var discardsBufferedInput: Bool
    /// Fulfilled with the completion, or failed with an `IMAPError`.
    var promise: EventLoopPromise<CommandCompletion>
    /// When set, receives the command's untagged responses as they arrive (on the
    /// event loop) instead of collecting them.
    var onUntagged: (@Sendable (UntaggedResponse) -> Void)?
}

/// Carries out what `ClientStateMachine` decides: frames and parses incoming bytes,
/// writes command bytes, fulfils promises. Runs on the channel's event loop only.
final class IMAPChannelHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = IMAPRequest
    typealias OutboundOut = ByteBuffer

    private var machine = ClientStateMachine()
    private var framer = ResponseFramer()
    private var promises: [Int: IMAPRequest] = [:]
    private var nextID = 0
    private var failure: IMAPError?
    private var greeted = false
    private let host: String
    private let logger: Logger
    private let greetingPromise: EventLoopPromise<ResponseText>
    private let end: ConnectionEnd

    /// Creates a handler; `greeting` is fulfilled by the server's first response;
    /// `end` receives the error the connection ends with.
    init(host: String, logger: Logger, greeting: EventLoopPromise<ResponseText>, end: ConnectionEnd) {
        self.host = host
        self.logger = logger
        self.greetingPromise = greeting
        self.end = end
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let request = unwrapOutboundIn(data)
        promise?.succeed(())
        if let failure {
            request.promise.fail(failure)
            return
        }
        let id = nextID
        nextID += 1
        promises[id] = request
        logger.trace("IMAP command", metadata: ["command": "\(request.name)"])
        perform(machine.send(id: id, streams: request.onUntagged != nil, request.factory), context: context)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        framer.append(&bytes)
        do {
            while let frame = try framer.nextFrame() {
                let response = try ResponseParser.parse(frame)
                if perform(machine.receive(response), context: context) { break }
            }
        } catch {
            fail(.protocolError(host: host, detail: String(describing: error)), context: context)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(.connectionClosed(host: host, serverText: machine.byeText), context: nil)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        let imapError: IMAPError
        if let known = error as? IMAPError {
            imapError = known
        } else if error is NIOSSLError || error is NIOSSLExtraError || error is BoringSSLError {
            imapError = .tlsFailed(host: host, underlying: String(describing: error))
        } else {
            imapError = .connectionClosed(host: host, serverText: String(describing: error))
        }
        fail(imapError, context: context)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read,
           machine.hasCommandsInFlight || !greeted
        {
            fail(.timedOut(host: host, waitingFor: "a response"), context: context)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    /// Performs actions; returns true when reading must stop (input discarded after
    /// STARTTLS, or the connection failed).
    @discardableResult
    private func perform(_ actions: [ClientStateMachine.Action], context: ChannelHandlerContext) -> Bool {
        var wrote = false
        var discarded = false
        for action in actions {
            switch action {
            case .write(let bytes):
                context.write(wrapOutboundOut(context.channel.allocator.buffer(bytes: bytes)), promise: nil)
                wrote = true
            case .complete(let id, let completion):
                guard let request = promises.removeValue(forKey: id) else { continue }
                if request.discardsBufferedInput && completion.isOK {
                    framer.reset()
                    discarded = true
                }
                request.promise.succeed(completion)
            case .greeting(let status, let text):
                greeted = true
                if status == .bye {
                    greetingPromise.fail(IMAPError.connectionClosed(host: host, serverText: text.text))
                } else {
                    greetingPromise.succeed(text)
                }
            case .stream(let id, let response):
                promises[id]?.onUntagged?(response)
            case .bye(let text):
                // After BYE the server closes the connection; some do so late (Dovecot
                // shutting down behind imap-login's TLS proxy), so do not wait for it.
                if !promises.values.contains(where: { $0.name == "LOGOUT" }) {
                    fail(.connectionClosed(host: host, serverText: text), context: context)
                    return true
                }
            case .unsolicited(let response):
                logger.debug("IMAP unsolicited response", metadata: ["response": "\(response)"])
            }
        }
        if wrote { context.flush() }
        return discarded
    }

    private func fail(_ error: IMAPError, context: ChannelHandlerContext?) {
        if failure == nil { failure = error }
        end.record(error)
        greetingPromise.fail(error)
        let pending = promises
        promises.removeAll()
        machine.reset()
        for request in pending.values { request.promise.fail(error) }
        context?.close(promise: nil)
    }
}
