@testable import BrickIMAP
import BrickCore
import BrickMessage
import Foundation
import Testing

@Suite("IMAPTarget replacing messages on a real Dovecot", .enabled(if: DovecotServer.shouldRun))
struct TargetReplaceIntegrationTests {
    let date = Date(timeIntervalSince1970: 1_500_000_000)

    func makeTarget(_ server: DovecotServer) -> IMAPTarget {
        IMAPTarget(
            endpoint: server.endpoint(tls: .implicit),
            credentials: IMAPCredentials(user: "bob", password: "pass-admin", adminUser: "backup-admin"), logger: testLogger)
    }

    func items(_ flags: ItemFlags) -> [RestoreItem] {
        [
            RestoreItem(key: "1", flags: flags, internalDate: date, messageID: nil,
                        raw: Array("Message-ID: <keep@x>\r\nSubject: one\r\n\r\nBody\r\n".utf8)),
            RestoreItem(key: "2", flags: flags, internalDate: date + 1, messageID: nil,
                        raw: Array("Subject: no id\r\n\r\nBody two\r\n".utf8)),
        ]
    }

    /// What the restore engine does with --overwrite: list, append, remove the listed
    /// copies of the items that landed.
    func replace(_ items: [RestoreItem], in target: IMAPTarget, at path: FolderPath) async throws {
        let existing = try await target.existingMessages(in: path)
        let results = try await target.append(items, to: path)
        #expect(results.allSatisfy { $0 == nil })
        let copies = zip(items, results).filter { $0.1 == nil }.flatMap { existing[MessageFingerprint(restoring: $0.0)] ?? [] }
        try await target.remove(copies, from: path)
    }

    /// UID → (flags, Message-ID or subject) of every message in INBOX.
    func inbox(_ server: DovecotServer) async throws -> [UInt32: (flags: ItemFlags, label: String)] {
        let connection = try await server.connect("bob")
        try await connection.execute(.select(mailbox: "INBOX", readOnly: true, parameters: .none))
        let fetched = try await connection.execute(.uidFetch(UIDSet(ranges: [1...UInt32.max]), items: "UID FLAGS BODY.PEEK[HEADER]", modifiers: nil))
        var result: [UInt32: (flags: ItemFlags, label: String)] = [:]
        for case .fetch(_, let attributes) in fetched.untagged {
            let summary = MessageSummary(parsing: attributes.body(section: "HEADER") ?? [])
            result[attributes.uid ?? 0] = (ItemFlags(imapNames: attributes.flags ?? []), summary.messageID ?? summary.subject ?? "")
        }
        await connection.close()
        return result
    }

    @Test("replacing twice leaves one copy per message with the new flags; other mail, even marked \\Deleted, stays")
    func replaceTwice() async throws {
        try await withDovecot { server in
            let target = makeTarget(server)
            let others = [
                RestoreItem(key: "o1", flags: ItemFlags(system: [.deleted]), internalDate: date, messageID: nil,
                            raw: Array("Message-ID: <deleted-by-user@x>\r\n\r\nkeep me\r\n".utf8)),
                RestoreItem(key: "o2", flags: .none, internalDate: date, messageID: nil,
                            raw: Array("Message-ID: <other@x>\r\n\r\nkeep me too\r\n".utf8)),
            ]
            #expect(try await target.append(others + items(ItemFlags(system: [.seen])), to: .inbox).allSatisfy { $0 == nil })
            try await target.checkCanRemove()

            let newFlags = ItemFlags(system: [.seen, .flagged], keywords: ["Work"])
            try await replace(items(newFlags), in: target, at: .inbox)
            try await replace(items(newFlags), in: target, at: .inbox)
            try await target.finish()

            let messages = try await inbox(server)
            #expect(messages.count == 4)
            #expect(messages[1]?.label == "deleted-by-user@x" && messages[1]?.flags == ItemFlags(system: [.deleted]))
            #expect(messages[2]?.label == "other@x")
            let replaced = messages.filter { $0.key > 4 }.map(\.value)
            #expect(replaced.map(\.label).sorted() == ["keep@x", "no id"])
            #expect(replaced.allSatisfy { $0.flags == newFlags })
        }
    }

    @Test("removal refuses copies listed under another UIDVALIDITY and locators it did not write")
    func refusesForeignCopies() async throws {
        try await withDovecot { server in
            let target = makeTarget(server)
            #expect(try await target.append(items(.none), to: .inbox).allSatisfy { $0 == nil })
            let listed = try await target.existingMessages(in: .inbox).values.flatMap { $0 }
            let first = try #require(listed.first)
            let locator = try #require(IMAPCopyLocator(first))
            let stale = IMAPCopyLocator(uidValidity: locator.uidValidity &+ 1, uid: locator.uid).copy
            await #expect(throws: IMAPError.self) { try await target.remove([stale], from: .inbox) }
            await #expect(throws: IMAPError.self) { try await target.remove([ExistingCopy(locator: "cur/x")], from: .inbox) }
            try await target.finish()
            #expect(try await inbox(server).count == 2)
        }
    }
}
