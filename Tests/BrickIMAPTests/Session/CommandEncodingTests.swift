@testable import BrickIMAP
import Foundation
import Testing

@Suite("Command encoding")
struct CommandEncodingTests {
    private let plain = Capabilities(["IMAP4rev1"])
    private let literalPlus = Capabilities(["IMAP4rev1", "LITERAL+", "BINARY"])

    private func text(_ command: Command, _ capabilities: Capabilities) -> String {
        String(decoding: command.encode(tag: "t1", capabilities: capabilities).allBytes, as: UTF8.self)
    }

    @Test("simple commands encode on one line")
    func simpleCommands() {
        #expect(text(.capability, plain) == "t1 CAPABILITY\r\n")
        #expect(text(.select(mailbox: "INBOX", readOnly: true, parameters: .qresync(uidValidity: 67890007, modSeq: 90060115194045000)), plain)
            == "t1 EXAMINE \"INBOX\" (QRESYNC (67890007 90060115194045000))\r\n")
        #expect(text(.uidFetch(UIDSet([1, 2, 3, 7]), items: "FLAGS", modifiers: "CHANGEDSINCE 5 VANISHED"), plain)
            == "t1 UID FETCH 1:3,7 (FLAGS) (CHANGEDSINCE 5 VANISHED)\r\n")
        #expect(text(.list(pattern: "*", returnOptions: "SPECIAL-USE"), plain) == "t1 LIST \"\" \"*\" RETURN (SPECIAL-USE)\r\n")
        #expect(text(.create(mailbox: "Junk", specialUse: "\\Junk"), plain) == "t1 CREATE \"Junk\" (USE (\\Junk))\r\n")
        #expect(text(.id([IDField(key: "name", value: "brick")]), plain) == "t1 ID (\"name\" \"brick\")\r\n")
    }

    @Test("removing replaced copies marks exactly their UIDs deleted and expunges only those")
    func removalCommands() {
        let uids = UIDSet([4, 5, 6, 9])
        #expect(text(.uidStore(uids, action: "+FLAGS.SILENT", flags: ["\\Deleted"]), plain)
            == "t1 UID STORE 4:6,9 +FLAGS.SILENT (\\Deleted)\r\n")
        #expect(text(.uidExpunge(uids), plain) == "t1 UID EXPUNGE 4:6,9\r\n")
        #expect(text(.unselect, plain) == "t1 UNSELECT\r\n")
    }

    @Test("LOGIN quotes simple passwords and sends others as literals")
    func loginLiterals() {
        #expect(text(.login(user: "alice", password: "pa\"ss"), plain) == "t1 LOGIN \"alice\" \"pa\\\"ss\"\r\n")
        let encoded = Command.login(user: "alice", password: "pässword").encode(tag: "t1", capabilities: plain)
        #expect(encoded.chunks.count == 2)
        #expect(encoded.chunks[1].waitsForContinuation)
        #expect(text(.login(user: "alice", password: "pässword"), literalPlus) == "t1 LOGIN \"alice\" {9+}\r\npässword\r\n")
    }

    @Test("APPEND uses LITERAL+ when offered, literal8 for NUL bytes, and a synchronizing literal otherwise")
    func appendLiterals() {
        let message = AppendMessage(flags: ["\\Seen", "Custom"], internalDate: Date(timeIntervalSince1970: 0), data: Array("Hi\r\n".utf8))
        #expect(text(.append(mailbox: "INBOX", message: message), literalPlus)
            == "t1 APPEND \"INBOX\" (\\Seen Custom) \"01-Jan-1970 00:00:00 +0000\" {4+}\r\nHi\r\n\r\n")
        let sync = Command.append(mailbox: "INBOX", message: message).encode(tag: "t1", capabilities: plain)
        #expect(sync.chunks.map(\.waitsForContinuation) == [false, true])
        #expect(String(decoding: sync.chunks[0].bytes, as: UTF8.self).hasSuffix("{4}\r\n"))
        let binary = AppendMessage(flags: [], internalDate: nil, data: [0, 1])
        #expect(text(.append(mailbox: "x", message: binary), literalPlus).hasPrefix("t1 APPEND \"x\" ~{2+}\r\n"))
        let multi = Command.multiAppend(mailbox: "INBOX", messages: [message, binary])
        #expect(text(multi, literalPlus)
            == "t1 APPEND \"INBOX\" (\\Seen Custom) \"01-Jan-1970 00:00:00 +0000\" {4+}\r\nHi\r\n ~{2+}\r\n\u{0}\u{1}\r\n")
        #expect(multi.encode(tag: "t1", capabilities: plain).chunks.map(\.waitsForContinuation) == [false, true, true])
        #expect(Capabilities(["LITERAL-"]).allowsNonSynchronizingLiteral(ofSize: 4096))
        #expect(!Capabilities(["LITERAL-"]).allowsNonSynchronizingLiteral(ofSize: 4097))
    }

    @Test("AUTHENTICATE PLAIN sends the response inline with SASL-IR, else after +")
    func authenticatePlain() {
        #expect(text(.authenticatePlain(response: "AGFsaWNl", initialResponse: true), plain) == "t1 AUTHENTICATE PLAIN AGFsaWNl\r\n")
        let twoStep = Command.authenticatePlain(response: "AGFsaWNl", initialResponse: false).encode(tag: "t1", capabilities: plain)
        #expect(twoStep.chunks.map(\.waitsForContinuation) == [false, true])
        #expect(twoStep.chunks[1].bytes == Array("AGFsaWNl\r\n".utf8))
    }
}
