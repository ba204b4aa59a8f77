@testable import BrickIMAP
import BrickCore
import Foundation
import Testing

/// Messages for the source tests: distinct, some 8-bit, one large.
private func sampleMessages() -> [[UInt8]] {
    var messages: [[UInt8]] = []
    for index in 1...6 {
        messages.append(Array("Message-ID: <s\(index)@example.org>\r\nSubject: sample \(index) \u{e9}\r\n\r\nBody \(index)\r\n".utf8))
    }
    let large = String(repeating: "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\r\n", count: 33_000)
    messages.append(Array("Message-ID: <large@example.org>\r\nSubject: large\r\n\r\n\(large)".utf8))
    return messages
}

/// Appends messages with the given flags and a fixed date.
private func append(_ messages: [[UInt8]], to mailbox: String, flags: [String] = [], on connection: IMAPConnection) async throws {
    let commands = messages.map { Command.append(mailbox: mailbox, message: AppendMessage(flags: flags, internalDate: Date(timeIntervalSince1970: 1_600_000_000), data: $0)) }
    for result in await connection.pipeline(commands) { #expect(try result.get().isOK) }
}

private func makeSource(_ server: DovecotServer, batchBytes: Int = 8 << 20) -> IMAPSource {
    IMAPSource(
        endpoint: server.endpoint(tls: .startTLS),
        credentials: IMAPCredentials(user: "alice", password: "pass-admin", adminUser: "backup-admin"),
        options: IMAPSource.Options(batchBytes: batchBytes, retries: 6, retryDelay: 0.3), logger: testLogger)
}

/// A source for alice, her INBOX as it lists it, and an empty store to sync into.
private func inboxSync(_ server: DovecotServer, batchBytes: Int = 8 << 20) async throws -> (IMAPSource, SourceFolder, MemoryStore) {
    let source = makeSource(server, batchBytes: batchBytes)
    return (source, try await folder(.inbox, in: source), MemoryStore())
}

private func folder(_ path: FolderPath, in source: IMAPSource) async throws -> SourceFolder {
    let folders = try await source.listFolders()
    guard let found = folders.first(where: { $0.path == path }) else {
        throw DovecotServer.ServerError(message: "no folder \(path) in \(folders.map(\.path))")
    }
    return found
}

@Suite("IMAPSource against a real Dovecot", .enabled(if: DovecotServer.shouldRun))
struct SourceIntegrationTests {
    @Test("listFolders reports paths, special use, identity and parents first")
    func listFolders() async throws {
        try await withDovecot { server in
            let connection = try await server.connect("alice")
            try await connection.execute(.create(mailbox: "Caf&AOk- &- Bar/Sub", specialUse: nil))
            try await append(sampleMessages().prefix(2).map { $0 }, to: "INBOX", on: connection)
            await connection.close()
            let source = makeSource(server)
            let folders = try await source.listFolders()
            await source.close()
            let paths = folders.map(\.path)
            #expect(paths == paths.sorted())
            #expect(paths.contains(FolderPath(["Café & Bar"])))
            #expect(paths.contains(FolderPath(["Café & Bar", "Sub"])))
            let byPath = Dictionary(uniqueKeysWithValues: folders.map { ($0.path, $0) })
            #expect(byPath[FolderPath(["Junk"])]?.specialUse == .junk)
            #expect(byPath[FolderPath(["Sent"])]?.specialUse == .sent)
            #expect(byPath[FolderPath(["Trash"])]?.specialUse == .trash)
            #expect(byPath[.inbox]?.sizeHint != nil)
            #expect(byPath[.inbox]?.identity?.hasPrefix("uidvalidity:") == true)
            #expect(byPath[FolderPath(["Café & Bar", "Sub"])]?.upstreamName == "Caf&AOk- &- Bar/Sub")
        }
    }

    @Test("a first sync fetches every message in byte-sized batches; only the last advances the modseq")
    func firstSync() async throws {
        try await withDovecot { server in
            let connection = try await server.connect("alice")
            let messages = sampleMessages()
            try await append(messages, to: "INBOX", flags: ["\\Seen", "Work"], on: connection)
            await connection.close()
            let source = makeSource(server, batchBytes: 1_000)
            let inbox = try await folder(.inbox, in: source)
            let store = MemoryStore()
            try await source.synchronize(inbox, from: store.state, into: store)
            await source.close()
            let present = store.present
            #expect(present.count == messages.count)
            let validity = try #require(inbox.identity.flatMap { UInt32($0.dropFirst("uidvalidity:".count)) })
            for (index, message) in messages.enumerated() {
                let item = try #require(present[.imap(uidValidity: validity, uid: UInt32(index + 1))])
                #expect(item.raw == message)
                #expect(item.flags == ItemFlags(system: [.seen], keywords: ["Work"]))
                #expect(item.internalDate == Date(timeIntervalSince1970: 1_600_000_000))
            }
            let tokens = store.batches.compactMap { SyncToken($0.token) }
            #expect(tokens.count == store.batches.count)
            #expect(store.batches.count == 2)
            #expect(tokens.dropLast().allSatisfy { $0.modSeq == 0 })
            #expect(tokens.map(\.committedUID) == tokens.map(\.committedUID).sorted())
            #expect(tokens.last?.modSeq ?? 0 > 0)
            #expect(tokens.last?.committedUID == UInt32(messages.count))
            #expect(store.batches.first(where: { $0.added.count == 1 && $0.added[0].raw.count > 2_000_000 }) != nil)
        }
    }

    @Test("later syncs: nothing changed → no FETCH; flags → flag changes only; expunge → vanished; new mail → bodies")
    func incrementalSync() async throws {
        try await withDovecot { server in
            let admin = try await server.connect("alice")
            try await append(Array(sampleMessages().prefix(4)), to: "INBOX", on: admin)
            let (source, inbox, store) = try await inboxSync(server)
            try await source.synchronize(inbox, from: store.state, into: store)
            #expect(store.present.count == 4)
            let validity = try #require(SyncToken(store.token)).uidValidity

            store.clearBatches()
            let before = await source.commandCounts()
            try await source.synchronize(inbox, from: store.state, into: store)
            let after = await source.commandCounts()
            #expect(store.batches.isEmpty)
            #expect(after["UID FETCH", default: 0] == before["UID FETCH", default: 0])
            #expect(after["FETCH", default: 0] == before["FETCH", default: 0])

            try await admin.execute(.select(mailbox: "INBOX", readOnly: false, parameters: .none))
            try await admin.execute(.uidStore(UIDSet([2]), action: "+FLAGS.SILENT", flags: ["\\Flagged", "Urgent"]))
            store.clearBatches()
            let beforeFlags = await source.commandCounts()
            try await source.synchronize(inbox, from: store.state, into: store)
            let afterFlags = await source.commandCounts()
            #expect(afterFlags["UID FETCH", default: 0] == beforeFlags["UID FETCH", default: 0])
            #expect(store.batches.count == 1)
            #expect(store.batches.first?.added.isEmpty == true)
            #expect(store.batches.first?.flagChanges.map(\.key) == [.imap(uidValidity: validity, uid: 2)])
            #expect(store.present[.imap(uidValidity: validity, uid: 2)]?.flags == ItemFlags(system: [.flagged], keywords: ["Urgent"]))

            try await admin.execute(.uidStore(UIDSet([3]), action: "+FLAGS.SILENT", flags: ["\\Deleted"]))
            try await admin.execute(.uidExpunge(UIDSet([3])))
            try await append([Array("Message-ID: <new@example.org>\r\n\r\nnew\r\n".utf8)], to: "INBOX", on: admin)
            store.clearBatches()
            try await source.synchronize(inbox, from: store.state, into: store)
            #expect(store.batches.flatMap(\.vanished) == [.imap(uidValidity: validity, uid: 3)])
            #expect(store.batches.flatMap(\.added).map(\.key) == [.imap(uidValidity: validity, uid: 5)])
            #expect(store.deleted.keys.sorted() == [.imap(uidValidity: validity, uid: 3)])
            #expect(store.present.count == 4)
            await admin.close()
            await source.close()
        }
    }

    @Test("CONDSTORE without QRESYNC: no change → no FETCH; flags by CHANGEDSINCE; expunges found by the count; new mail → bodies")
    func condStoreWithoutQResync() async throws {
        let capability = "IMAP4rev1 LITERAL+ SASL-IR ID ENABLE NAMESPACE UIDPLUS LIST-EXTENDED LIST-STATUS SPECIAL-USE CONDSTORE MULTIAPPEND"
        try await withDovecot(capability: capability) { server in
            let admin = try await server.connect("alice")
            try await append(Array(sampleMessages().prefix(5)), to: "INBOX", on: admin)
            let (source, inbox, store) = try await inboxSync(server)
            try await source.synchronize(inbox, from: store.state, into: store)
            #expect(store.present.count == 5)
            let validity = try #require(SyncToken(store.token)).uidValidity
            #expect(try #require(SyncToken(store.token)).modSeq > 0)

            store.clearBatches()
            let before = await source.commandCounts()
            try await source.synchronize(inbox, from: store.state, into: store)
            #expect(store.batches.isEmpty)
            #expect(await source.commandCounts()["UID FETCH", default: 0] == before["UID FETCH", default: 0])

            try await admin.execute(.select(mailbox: "INBOX", readOnly: false, parameters: .none))
            try await admin.execute(.uidStore(UIDSet([2]), action: "+FLAGS.SILENT", flags: ["\\Flagged", "Urgent"]))
            store.clearBatches()
            try await source.synchronize(inbox, from: store.state, into: store)
            #expect(store.batches.flatMap(\.flagChanges).map(\.key) == [.imap(uidValidity: validity, uid: 2)])
            #expect(store.batches.flatMap(\.added).isEmpty && store.batches.flatMap(\.vanished).isEmpty)
            #expect(store.present[.imap(uidValidity: validity, uid: 2)]?.flags == ItemFlags(system: [.flagged], keywords: ["Urgent"]))

            // An expunge together with a new message: EXISTS stays 5, yet it is one short
            // of the 5 stored plus the 1 new.
            try await admin.execute(.uidStore(UIDSet([3]), action: "+FLAGS.SILENT", flags: ["\\Deleted"]))
            try await admin.execute(.uidExpunge(UIDSet([3])))
            try await append([Array("Message-ID: <new@example.org>\r\n\r\nnew\r\n".utf8)], to: "INBOX", on: admin)
            store.clearBatches()
            try await source.synchronize(inbox, from: store.state, into: store)
            #expect(store.batches.flatMap(\.added).map(\.key) == [.imap(uidValidity: validity, uid: 6)])
            #expect(store.batches.flatMap(\.vanished) == [.imap(uidValidity: validity, uid: 3)])

            try await admin.execute(.uidStore(UIDSet([4]), action: "+FLAGS.SILENT", flags: ["\\Deleted"]))
            try await admin.execute(.uidExpunge(UIDSet([4])))
            store.clearBatches()
            try await source.synchronize(inbox, from: store.state, into: store)
            #expect(store.batches.flatMap(\.vanished) == [.imap(uidValidity: validity, uid: 4)])
            #expect(store.present.keys.sorted() == [1, 2, 5, 6].map { .imap(uidValidity: validity, uid: $0) })
            await admin.close()
            await source.close()
        }
    }

    @Test("a UIDVALIDITY change retires the old generation and fetches the folder anew")
    func uidValidityReset() async throws {
        try await withDovecot { server in
            let admin = try await server.connect("alice")
            try await admin.execute(.create(mailbox: "Projects", specialUse: nil))
            try await append(Array(sampleMessages().prefix(3)), to: "Projects", on: admin)
            let source = makeSource(server)
            let first = try await folder(FolderPath(["Projects"]), in: source)
            let store = MemoryStore()
            try await source.synchronize(first, from: store.state, into: store)
            let oldValidity = try #require(SyncToken(store.token)).uidValidity

            try await admin.execute(.delete(mailbox: "Projects"))
            try await admin.execute(.create(mailbox: "Projects", specialUse: nil))
            try await append(Array(sampleMessages().prefix(2)), to: "Projects", on: admin)
            let second = try await folder(FolderPath(["Projects"]), in: source)
            #expect(second.identity != first.identity)
            store.clearBatches()
            try await source.synchronize(second, from: store.state, into: store)
            let newValidity = try #require(SyncToken(store.token)).uidValidity
            #expect(newValidity != oldValidity)
            #expect(store.batches.first?.retirePresentItems == true)
            #expect(store.deleted.count == 3)
            #expect(Set(store.present.keys) == [.imap(uidValidity: newValidity, uid: 1), .imap(uidValidity: newValidity, uid: 2)])
            await admin.close()
            await source.close()
        }
    }

    @Test("a sync killed after its first batch resumes from the committed token without refetching")
    func resumeAfterCrash() async throws {
        try await withDovecot { server in
            let admin = try await server.connect("alice")
            try await append(sampleMessages(), to: "INBOX", on: admin)
            await admin.close()
            let (source, inbox, store) = try await inboxSync(server, batchBytes: 200)
            struct Crash: Error {}
            store.beforeCommit = { count in if count == 2 { throw Crash() } }
            await #expect(throws: Crash.self) { try await source.synchronize(inbox, from: store.state, into: store) }
            let partial = store.present.count
            #expect(partial > 0 && partial < sampleMessages().count)
            #expect(SyncToken(store.token)?.modSeq == 0)
            store.beforeCommit = nil
            store.clearBatches()
            try await source.synchronize(inbox, from: store.state, into: store)
            #expect(store.present.count == sampleMessages().count)
            #expect(store.batches.flatMap(\.added).count == sampleMessages().count - partial)
            #expect(SyncToken(store.token)?.modSeq ?? 0 > 0)
            await source.close()
        }
    }

    @Test("a server restarted in the middle of a folder: the source reconnects and finishes")
    func reconnectAfterServerRestart() async throws {
        try await withDovecot { server in
            let admin = try await server.connect("alice")
            try await append(sampleMessages(), to: "INBOX", on: admin)
            await admin.close()
            let (source, inbox, store) = try await inboxSync(server, batchBytes: 200)
            store.beforeCommit = { count in if count == 1 { try server.restart() } }
            try await source.synchronize(inbox, from: store.state, into: store)
            #expect(store.present.count == sampleMessages().count)
            #expect(SyncToken(store.token)?.modSeq ?? 0 > 0)
            await source.close()
        }
    }

    @Test("without a known modseq the source diffs UIDs and flags against the store")
    func diffPath() async throws {
        try await withDovecot { server in
            let admin = try await server.connect("alice")
            try await append(Array(sampleMessages().prefix(3)), to: "INBOX", on: admin)
            let (source, inbox, store) = try await inboxSync(server)
            try await source.synchronize(inbox, from: store.state, into: store)
            let token = try #require(SyncToken(store.token))
            try await admin.execute(.select(mailbox: "INBOX", readOnly: false, parameters: .none))
            try await admin.execute(.uidStore(UIDSet([1]), action: "+FLAGS.SILENT", flags: ["\\Answered"]))
            try await admin.execute(.uidStore(UIDSet([2]), action: "+FLAGS.SILENT", flags: ["\\Deleted"]))
            try await admin.execute(.expunge)
            try await append([Array("Subject: x\r\n\r\ny\r\n".utf8)], to: "INBOX", on: admin)
            let oldState = FolderSyncState(token: SyncToken(uidValidity: token.uidValidity, modSeq: 0, committedUID: token.committedUID).description, loadPresentItems: store.state.loadPresentItems)
            store.clearBatches()
            try await source.synchronize(inbox, from: oldState, into: store)
            let v = token.uidValidity
            #expect(store.batches.flatMap(\.flagChanges).map(\.key) == [.imap(uidValidity: v, uid: 1)])
            #expect(store.batches.flatMap(\.vanished) == [.imap(uidValidity: v, uid: 2)])
            #expect(store.batches.flatMap(\.added).map(\.key) == [.imap(uidValidity: v, uid: 4)])
            await admin.close()
            await source.close()
        }
    }

    @Test("the raw reader streams every body of every folder")
    func rawReader() async throws {
        try await withDovecot { server in
            let admin = try await server.connect("alice")
            let messages = sampleMessages()
            try await append(messages, to: "INBOX", on: admin)
            try await admin.execute(.create(mailbox: "Other", specialUse: nil))
            try await append(Array(messages.prefix(2)), to: "Other", on: admin)
            await admin.close()
            let totals = try await IMAPRawReader.readAll(
                endpoint: server.endpoint(tls: .never),
                credentials: IMAPCredentials(user: "alice", password: "pass-alice"), logger: testLogger)
            #expect(totals.messages == messages.count + 2)
            #expect(totals.bytes == messages.reduce(0) { $0 + $1.count } + messages[0].count + messages[1].count)
            #expect(totals.folders == 6)
        }
    }
}
