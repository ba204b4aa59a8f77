@testable import BrickIMAP
import Testing

@Suite("Client state machine")
struct ClientStateMachineTests {
    private let plain = Capabilities(["IMAP4rev1"])

    private func factory(_ command: Command, _ capabilities: Capabilities) -> EncodedCommandFactory {
        { tag in command.encode(tag: tag, capabilities: capabilities) }
    }

    private func written(_ actions: [ClientStateMachine.Action]) -> String {
        actions.map { action -> String in
            if case .write(let bytes) = action { return String(decoding: bytes, as: UTF8.self) }
            return ""
        }.joined()
    }

    private func response(_ text: String) throws -> Response {
        try ResponseParser.parse(Array(text.utf8))
    }

    @Test("the greeting comes first; pipelined commands complete by tag with their untagged data")
    func pipelinedCommands() throws {
        var machine = ClientStateMachine()
        #expect(machine.receive(try response("* OK ready\r\n")) == [.greeting(.ok, ResponseText(text: "ready"))])
        #expect(written(machine.send(id: 1, factory(.noop, plain))) == "B1 NOOP\r\n")
        #expect(written(machine.send(id: 2, factory(.capability, plain))) == "B2 CAPABILITY\r\n")
        #expect(machine.receive(try response("* 3 EXISTS\r\n")).isEmpty)
        let first = machine.receive(try response("B1 OK done\r\n"))
        #expect(first == [.complete(id: 1, CommandCompletion(
            tagged: TaggedResponse(tag: "B1", status: .ok, text: ResponseText(text: "done")), untagged: [.exists(3)]))])
        #expect(machine.receive(try response("* CAPABILITY IMAP4rev1\r\n")).isEmpty)
        let second = machine.receive(try response("B2 OK done\r\n"))
        #expect(second == [.complete(id: 2, CommandCompletion(
            tagged: TaggedResponse(tag: "B2", status: .ok, text: ResponseText(text: "done")), untagged: [.capability(["IMAP4rev1"])]))])
        #expect(!machine.hasCommandsInFlight)
    }

    @Test("a synchronizing literal holds back its bytes and later commands until +")
    func synchronizingLiteral() throws {
        var machine = ClientStateMachine()
        _ = machine.receive(try response("* OK ready\r\n"))
        let append = Command.append(mailbox: "INBOX", message: AppendMessage(flags: [], internalDate: nil, data: Array("abc".utf8)))
        #expect(written(machine.send(id: 1, factory(append, plain))) == "B1 APPEND \"INBOX\" {3}\r\n")
        #expect(machine.send(id: 2, factory(.noop, plain)).isEmpty)
        #expect(written(machine.receive(try response("+ OK\r\n"))) == "abc\r\nB2 NOOP\r\n")
        #expect(machine.receive(try response("B1 OK [APPENDUID 7 1] done\r\n")).count == 1)
        #expect(machine.receive(try response("B2 OK done\r\n")).count == 1)
        #expect(!machine.hasCommandsInFlight)
    }

    @Test("a literal the server refuses is dropped and the next command goes out")
    func refusedLiteral() throws {
        var machine = ClientStateMachine()
        _ = machine.receive(try response("* OK ready\r\n"))
        let append = Command.append(mailbox: "INBOX", message: AppendMessage(flags: [], internalDate: nil, data: Array("abc".utf8)))
        _ = machine.send(id: 1, factory(append, plain))
        _ = machine.send(id: 2, factory(.noop, plain))
        let actions = machine.receive(try response("B1 NO [OVERQUOTA] too big\r\n"))
        #expect(actions.count == 2)
        #expect(written(actions) == "B2 NOOP\r\n")
    }

    @Test("a BYE is reported at once and remembered")
    func byeRemembered() throws {
        var machine = ClientStateMachine()
        _ = machine.receive(try response("* OK ready\r\n"))
        #expect(machine.receive(try response("* BYE shutting down\r\n")) == [.bye("shutting down")])
        #expect(machine.byeText == "shutting down")
    }

    @Test("a streaming command hands its untagged responses over one by one")
    func streamingCommand() throws {
        var machine = ClientStateMachine()
        _ = machine.receive(try response("* OK ready\r\n"))
        _ = machine.send(id: 4, streams: true, factory(.noop, plain))
        #expect(machine.receive(try response("* 2 EXISTS\r\n")) == [.stream(id: 4, .exists(2))])
        let done = machine.receive(try response("B1 OK done\r\n"))
        #expect(done == [.complete(id: 4, CommandCompletion(
            tagged: TaggedResponse(tag: "B1", status: .ok, text: ResponseText(text: "done")), untagged: []))])
    }
}
