@testable import BrickIMAP
import BrickCore
import BrickTestSupport
import Foundation
import Testing

/// A server that plays one INBOX of three messages (UIDVALIDITY 7) and answers the
/// body FETCH of UID 2 without a body while `withholding` holds.
private final class WithholdingMailbox: @unchecked Sendable {
    private let lock = NSLock()
    private var withholdingBody = true
    var withholding: Bool {
        get { lock.withLock { withholdingBody } }
        set { lock.withLock { withholdingBody = newValue } }
    }

    static func body(_ uid: UInt32) -> String { "Subject: message \(uid)\r\n\r\nbody \(uid)\r\n" }

    static func uids(in set: String) -> [UInt32] {
        set.split(separator: ",").flatMap { part -> [UInt32] in
            let bounds = part.split(separator: ":").map { $0 == "*" ? 3 : UInt32($0) ?? 0 }
            return bounds.count == 2 ? Array(min(bounds[0], 3)...min(bounds[1], 3)) : bounds
        }.filter { (1...3).contains($0) }
    }

    func respond(_ tag: String, _ command: String) -> String {
        let upper = command.uppercased()
        if upper.hasPrefix("LOGIN") { return "\(tag) OK [CAPABILITY IMAP4rev1 UNSELECT] logged in\r\n" }
        if upper.hasPrefix("EXAMINE") || upper.hasPrefix("SELECT") {
            return "* 3 EXISTS\r\n* OK [UIDVALIDITY 7] ok\r\n* OK [UIDNEXT 4] ok\r\n\(tag) OK [READ-ONLY] examined\r\n"
        }
        if upper.hasPrefix("UID FETCH") {
            let parts = command.split(separator: " ")
            let uids = Self.uids(in: String(parts[2]))
            var text = ""
            for uid in uids {
                if upper.contains("BODY.PEEK[]") {
                    if uid == 2 && withholding {
                        text += "* 2 FETCH (UID 2 FLAGS ())\r\n"
                    } else {
                        let body = Self.body(uid)
                        text += "* \(uid) FETCH (UID \(uid) FLAGS (\\Seen) INTERNALDATE \"01-Jan-2024 00:00:00 +0000\" "
                            + "RFC822.SIZE \(body.utf8.count) BODY[] {\(body.utf8.count)}\r\n\(body))\r\n"
                    }
                } else if upper.contains("RFC822.SIZE") {
                    let flags = upper.contains("FLAGS") ? "FLAGS (\\Seen) " : ""
                    text += "* \(uid) FETCH (UID \(uid) \(flags)RFC822.SIZE \(Self.body(uid).utf8.count))\r\n"
                } else {
                    text += "* \(uid) FETCH (UID \(uid))\r\n"
                }
            }
            return text + "\(tag) OK fetched\r\n"
        }
        if upper == "LOGOUT" { return "* BYE\r\n\(tag) OK bye\r\n" }
        return "\(tag) OK done\r\n"
    }
}

@Suite("A FETCH without a body")
struct MissingBodyTests {
    @Test("the UID is reported skipped, the token stays below it, and the next run fetches it")
    func missingBodyIsRetried() async throws {
        let mailbox = WithholdingMailbox()
        let server = try ScriptedIMAPServer(greeting: "* OK [CAPABILITY IMAP4rev1] ready\r\n") { mailbox.respond($0, $1) }
        let endpoint = IMAPEndpoint(host: "127.0.0.1", port: server.port, tls: .never, connectTimeout: 5, readTimeout: 5)
        let source = IMAPSource(endpoint: endpoint, credentials: IMAPCredentials(user: "alice", password: "pw", method: .login), logger: testLogger)
        let store = MemoryStore()
        let inbox = SourceFolder(path: .inbox, upstreamName: "INBOX")

        try await source.synchronize(inbox, from: store.state, into: store)
        #expect(Set(store.present.keys) == [.imap(uidValidity: 7, uid: 1), .imap(uidValidity: 7, uid: 3)])
        #expect(store.batches.flatMap(\.skipped).map(\.key) == [.imap(uidValidity: 7, uid: 2)])
        let token = try #require(SyncToken(store.token))
        #expect(token.committedUID == 1 && token.storedUID == 3 && token.modSeq == 0)

        store.clearBatches()
        try await source.synchronize(inbox, from: store.state, into: store)
        #expect(store.batches.flatMap(\.skipped).map(\.key) == [.imap(uidValidity: 7, uid: 2)])
        #expect(SyncToken(store.token)?.committedUID == 1)

        mailbox.withholding = false
        store.clearBatches()
        try await source.synchronize(inbox, from: store.state, into: store)
        await source.close()
        #expect(store.present.count == 3)
        #expect(store.present[.imap(uidValidity: 7, uid: 2)]?.raw == Array(WithholdingMailbox.body(2).utf8))
        #expect(store.batches.flatMap(\.skipped).isEmpty)
        #expect(store.batches.flatMap(\.added).map(\.uid) == [2])
        #expect(SyncToken(store.token) == SyncToken(uidValidity: 7, modSeq: 0, committedUID: 3))
    }

    @Test("a token with a stored UID beyond a gap round-trips; older four-field tokens still parse")
    func tokenWithGap() {
        let token = SyncToken(uidValidity: 7, modSeq: 9, committedUID: 1, storedUID: 3)
        #expect(token.description == "v1 7 9 1 3")
        #expect(SyncToken(token.description) == token)
        #expect(token.knownUID == 3)
        #expect(SyncToken("v1 7 9 3") == SyncToken(uidValidity: 7, modSeq: 9, committedUID: 3))
        #expect(SyncToken("v1 7 9 1 x") == nil)
        #expect(SyncToken(uidValidity: 7, modSeq: 9, committedUID: 5, storedUID: 3).storedUID == nil)
    }
}
