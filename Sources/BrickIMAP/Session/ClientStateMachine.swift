/// The client side of an IMAP connection as a value: commands and responses go in,
/// actions to carry out come out. It assigns tags, holds back bytes that must wait for
/// the server's `+`, routes untagged responses to the oldest command in flight, and
/// completes commands by tag. The channel handler only performs the actions.
struct ClientStateMachine {
    /// Something the I/O layer must do.
    enum Action: Equatable {
        /// Write these bytes (flush at the end of a burst).
        case write([UInt8])
        /// The command with this id completed.
        case complete(id: Int, CommandCompletion)
        /// The greeting arrived.
        case greeting(UntaggedStatus, ResponseText)
        /// An untagged response for a streaming command, handed over as it arrives.
        case stream(id: Int, UntaggedResponse)
        /// The server said BYE: the connection is ending (expected only after LOGOUT).
        case bye(String)
        /// An untagged response with no command in flight (the greeting's neighbours,
        /// a `BYE` between commands).
        case unsolicited(UntaggedResponse)
    }

    private struct InFlight {
        var id: Int
        var tag: String
        var pending: [EncodedCommand.Chunk]
        var streams: Bool
        var untagged: [UntaggedResponse] = []
    }

    private var greeted = false
    private var nextTag = 1
    /// Commands written or being written, oldest first.
    private var inFlight: [InFlight] = []
    /// Index into `inFlight` of the command whose next chunk waits for `+`.
    private var blockedIndex: Int?
    /// Commands not yet started because an earlier one waits for `+`.
    private var queued: [(id: Int, command: EncodedCommandFactory, streams: Bool)] = []

    /// The last BYE text, reported when the connection then closes.
    private(set) var byeText: String?

    /// Creates a machine awaiting the server greeting.
    init() {}

    /// True when commands are waiting for completion.
    var hasCommandsInFlight: Bool { !inFlight.isEmpty || !queued.isEmpty }

    /// Sends a command built for a tag; returns the bytes to write now. A streaming
    /// command's untagged responses come out one by one as `.stream` actions instead
    /// of being collected into its completion.
    mutating func send(id: Int, streams: Bool = false, _ factory: @escaping EncodedCommandFactory) -> [Action] {
        if blockedIndex != nil {
            queued.append((id, factory, streams))
            return []
        }
        return start(id: id, streams: streams, factory)
    }

    /// Handles one response from the server.
    mutating func receive(_ response: Response) -> [Action] {
        switch response {
        case .untagged(let untagged):
            if !greeted, case .status(let status, let text) = untagged {
                greeted = true
                return [.greeting(status, text)]
            }
            if case .status(.bye, let text) = untagged {
                byeText = text.text
                return [.bye(text.text)]
            }
            guard !inFlight.isEmpty else { return [.unsolicited(untagged)] }
            if inFlight[0].streams { return [.stream(id: inFlight[0].id, untagged)] }
            inFlight[0].untagged.append(untagged)
            return []
        case .continuation:
            guard let index = blockedIndex else { return [] }
            return resume(at: index)
        case .tagged(let tagged):
            guard let index = inFlight.firstIndex(where: { $0.tag == tagged.tag }) else { return [] }
            let command = inFlight.remove(at: index)
            var actions: [Action] = [.complete(id: command.id, CommandCompletion(tagged: tagged, untagged: command.untagged))]
            if let blocked = blockedIndex {
                if blocked == index {
                    blockedIndex = nil
                    actions += drainQueue()
                } else if blocked > index {
                    blockedIndex = blocked - 1
                }
            }
            return actions
        }
    }

    /// Ids of every command not yet completed, for failing them when the connection ends.
    var pendingIDs: [Int] { inFlight.map(\.id) + queued.map(\.id) }

    /// Forgets every command (the connection is gone).
    mutating func reset() {
        inFlight.removeAll()
        queued.removeAll()
        blockedIndex = nil
    }

    private mutating func start(id: Int, streams: Bool, _ factory: @escaping EncodedCommandFactory) -> [Action] {
        let tag = "B\(nextTag)"
        nextTag += 1
        let encoded = factory(tag)
        var chunks = encoded.chunks
        let first = chunks.removeFirst()
        inFlight.append(InFlight(id: id, tag: tag, pending: chunks, streams: streams))
        var actions: [Action] = [.write(first.bytes)]
        actions += writeReadyChunks(at: inFlight.count - 1)
        return actions
    }

    /// Writes the chunks of `inFlight[index]` that need no `+`; marks it blocked
    /// when one does.
    private mutating func writeReadyChunks(at index: Int) -> [Action] {
        var actions: [Action] = []
        while let next = inFlight[index].pending.first {
            if next.waitsForContinuation {
                blockedIndex = index
                return actions
            }
            actions.append(.write(next.bytes))
            inFlight[index].pending.removeFirst()
        }
        return actions
    }

    private mutating func resume(at index: Int) -> [Action] {
        guard !inFlight[index].pending.isEmpty else {
            blockedIndex = nil
            return drainQueue()
        }
        let chunk = inFlight[index].pending.removeFirst()
        blockedIndex = nil
        var actions: [Action] = [.write(chunk.bytes)]
        actions += writeReadyChunks(at: index)
        if blockedIndex == nil { actions += drainQueue() }
        return actions
    }

    private mutating func drainQueue() -> [Action] {
        var actions: [Action] = []
        while blockedIndex == nil, !queued.isEmpty {
            let (id, factory, streams) = queued.removeFirst()
            actions += start(id: id, streams: streams, factory)
        }
        return actions
    }
}

/// Builds a command's bytes once its tag is known.
typealias EncodedCommandFactory = @Sendable (String) -> EncodedCommand
