@testable import BrickIMAP
import BrickCore
import BrickMessage
import Foundation
import Testing

/// Distinct small messages for the Cyrus tests.
private func cyrusMessages(_ count: Int) -> [[UInt8]] {
    (1...count).map { Array("Message-ID: <c\($0)@example.org>\r\nSubject: cyrus \($0) \u{e9}\r\n\r\nBody \($0)\r\n".utf8) }
}

private func append(_ messages: [[UInt8]], to mailbox: String, on connection: IMAPConnection) async throws {
    let commands = messages.map { Command.append(mailbox: mailbox, message: AppendMessage(flags: [], internalDate: Date(timeIntervalSince1970: 1_600_000_000), data: $0)) }
    for result in await connection.pipeline(commands) { #expect(try result.get().isOK) }
}

@Suite("IMAP source and target against a real Cyrus", .enabled(if: CyrusServer.shouldRun))
struct CyrusIntegrationTests {
    private func source(_ server: CyrusServer) -> IMAPSource {
        IMAPSource(endpoint: server.endpoint, credentials: server.adminCredentials(for: "alice"),
                   options: IMAPSource.Options(batchBytes: 8 << 20, retries: 2, retryDelay: 0.3), logger: testLogger)
    }

    @Test("folders come with special use and MAILBOXID; QRESYNC sync: nothing changed → no FETCH, flags, expunge, new mail")
    func changeSync() async throws {
        try await withCyrus { server in
            let user = try await server.connect("alice")
            try await user.execute(.create(mailbox: "Caf&AOk- &- Bar", specialUse: nil))
            try await append(cyrusMessages(4), to: "INBOX", on: user)
            let source = source(server)
            let folders = try await source.listFolders()
            let byPath = Dictionary(uniqueKeysWithValues: folders.map { ($0.path, $0) })
            #expect(byPath[FolderPath(["Sent"])]?.specialUse == .sent)
            #expect(byPath[FolderPath(["Junk"])]?.specialUse == .junk)
            #expect(byPath[FolderPath(["Café & Bar"])] != nil)
            let inbox = try #require(byPath[.inbox])
            #expect(inbox.identity != nil)

            let store = MemoryStore()
            try await source.synchronize(inbox, from: store.state, into: store)
            #expect(store.present.count == 4)
            #expect(store.present.values.allSatisfy { $0.emailID?.hasPrefix("M") == true })
            let validity = try #require(SyncToken(store.token)).uidValidity

            store.clearBatches()
            let before = await source.commandCounts()
            try await source.synchronize(inbox, from: store.state, into: store)
            #expect(store.batches.isEmpty)
            #expect(await source.commandCounts()["UID FETCH", default: 0] == before["UID FETCH", default: 0])

            try await user.execute(.select(mailbox: "INBOX", readOnly: false, parameters: .none))
            try await user.execute(.uidStore(UIDSet([1]), action: "+FLAGS.SILENT", flags: ["\\Flagged", "Work"]))
            try await user.execute(.uidStore(UIDSet([2]), action: "+FLAGS.SILENT", flags: ["\\Deleted"]))
            try await user.execute(.uidExpunge(UIDSet([2])))
            try await append([Array("Message-ID: <late@example.org>\r\n\r\nlate\r\n".utf8)], to: "INBOX", on: user)
            store.clearBatches()
            try await source.synchronize(inbox, from: store.state, into: store)
            #expect(store.batches.flatMap(\.flagChanges).map(\.key) == [.imap(uidValidity: validity, uid: 1)])
            #expect(store.batches.flatMap(\.vanished) == [.imap(uidValidity: validity, uid: 2)])
            #expect(store.batches.flatMap(\.added).map(\.key) == [.imap(uidValidity: validity, uid: 5)])
            #expect(store.present[.imap(uidValidity: validity, uid: 1)]?.flags == ItemFlags(system: [.flagged], keywords: ["Work"]))
            await user.close()
            await source.close()
        }
    }

    @Test("a renamed or moved folder keeps its identity, so the backup moves it instead of fetching it again")
    func renameKeepsIdentity() async throws {
        try await withCyrus { server in
            let user = try await server.connect("alice")
            try await user.execute(.create(mailbox: "Projects", specialUse: nil))
            try await user.execute(.create(mailbox: "Old", specialUse: nil))
            let source = source(server)
            for _ in 0..<3 {
                let before = try #require(try await source.listFolders().first { $0.path == FolderPath(["Projects"]) }?.identity)
                #expect(try await source.listFolders().first { $0.path == FolderPath(["Projects"]) }?.identity == before)
            }
            let before = try #require(try await source.listFolders().first { $0.path == FolderPath(["Projects"]) }?.identity)
            try await user.execute(.rename(from: "Projects", to: "Old/Projects 2025"))
            let after = try await source.listFolders()
            #expect(after.first { $0.path == FolderPath(["Old", "Projects 2025"]) }?.identity == before)
            #expect(!after.contains { $0.path == FolderPath(["Projects"]) })
            await user.close()
            await source.close()
        }
    }

    @Test("a message whose EMAILID the store holds arrives as a copy: its body is not fetched again")
    func copiesAreNotDownloaded() async throws {
        try await withCyrus { server in
            let user = try await server.connect("alice")
            try await user.execute(.create(mailbox: "Archive", specialUse: nil))
            let messages = cyrusMessages(3)
            try await append(messages, to: "INBOX", on: user)
            let source = source(server)
            let folders = try await source.listFolders()
            let inbox = try #require(folders.first { $0.path == .inbox })
            let archiveFolder = try #require(folders.first { $0.path == FolderPath(["Archive"]) })
            let inboxStore = MemoryStore()
            try await source.synchronize(inbox, from: inboxStore.state, into: inboxStore)
            let archive = MemoryStore()
            try await source.synchronize(archiveFolder, from: archive.state, into: archive)

            // Cyrus gives identical bytes the same EMAILID, as it keeps it on MOVE and COPY.
            try await append([messages[1]], to: "Archive", on: user)
            try await append([Array("Message-ID: <fresh@example.org>\r\n\r\nfresh\r\n".utf8)], to: "Archive", on: user)
            archive.otherEmailIDs = inboxStore.emailIDs
            archive.clearBatches()
            try await source.synchronize(archiveFolder, from: archive.state, into: archive)

            let copied = archive.batches.flatMap(\.copied)
            let added = archive.batches.flatMap(\.added)
            #expect(copied.count == 1 && added.count == 1)
            // Cyrus rewrites 8-bit header bytes, so find the original by its Message-ID.
            let original = try #require(inboxStore.present.values.first { MessageSummary(parsing: $0.raw).messageID == "c2@example.org" })
            #expect(copied.first?.emailID == original.emailID)
            #expect(added.first?.raw == Array("Message-ID: <fresh@example.org>\r\n\r\nfresh\r\n".utf8))
            #expect(archive.token.flatMap(SyncToken.init)?.committedUID == 2)
            await user.close()
            await source.close()
        }
    }

    @Test("the restore target creates folders with their special use (or without, where refused), appends, finds and replaces copies")
    func target() async throws {
        try await withCyrus { server in
            let target = IMAPTarget(endpoint: server.endpoint, credentials: server.adminCredentials(for: "bob"), logger: testLogger)
            let archive = FolderPath(["Archive"])
            try await target.prepareFolder(archive, specialUse: .archive)
            try await target.prepareFolder(archive, specialUse: .archive)
            // Cyrus refuses a special use on this nested folder ("flag conflict"): it is
            // created without one.
            try await target.prepareFolder(FolderPath(["Old", "Archive"]), specialUse: .archive)
            let items = cyrusMessages(3).enumerated().map { index, raw in
                RestoreItem(key: ItemKey("k\(index)"), flags: ItemFlags(system: [.seen]), internalDate: Date(timeIntervalSince1970: 1_650_000_000 + Double(index)),
                            messageID: MessageSummary(parsing: raw).messageID, raw: raw)
            }
            let results = try await target.append(items, to: archive)
            #expect(results.allSatisfy { $0 == nil })
            let existing = try await target.existingMessages(in: archive)
            #expect(Set(existing.keys) == Set(items.map { MessageFingerprint(restoring: $0) }))
            let replaced = try await target.append([items[0]], to: archive)
            #expect(replaced.allSatisfy { $0 == nil })
            try await target.remove(existing[MessageFingerprint(restoring: items[0])] ?? [], from: archive)
            let after = try await target.existingMessages(in: archive)
            #expect(after.values.map(\.count).sorted() == [1, 1, 1])
            try await target.finish()

            let bob = try await server.connect("bob")
            let listed = try await bob.execute(.list(pattern: "*", returnOptions: "SPECIAL-USE"))
            let uses = Dictionary(uniqueKeysWithValues: listed.untagged.compactMap { response -> (String, String)? in
                if case .list(let entry) = response { return (entry.name, entry.specialUseAttribute ?? "") }
                return nil
            })
            #expect(uses["Archive"] == "\\Archive")
            #expect(uses["Old/Archive"] == "")
            await bob.close()
        }
    }
}
