@testable import BrickIMAP
import BrickCore
import BrickMessage
import Foundation
import Testing

private func makeTarget(_ server: DovecotServer, user: String = "bob") -> IMAPTarget {
    IMAPTarget(
        endpoint: server.endpoint(tls: .implicit),
        credentials: IMAPCredentials(user: user, password: "pass-admin", adminUser: "backup-admin"), logger: testLogger)
}

@Suite("IMAPTarget against a real Dovecot", .enabled(if: DovecotServer.shouldRun))
struct TargetIntegrationTests {
    @Test("prepareFolder creates nested folders with tricky names, subscribes them, and is idempotent")
    func prepareFolder() async throws {
        try await withDovecot { server in
            let target = makeTarget(server)
            let path = FolderPath(["Restored", "2024 & Co", "Café"])
            try await target.prepareFolder(path, specialUse: nil)
            try await target.prepareFolder(path, specialUse: nil)
            try await target.prepareFolder(FolderPath(["Junk"]), specialUse: .junk)
            try await target.prepareFolder(.inbox, specialUse: nil)
            try await target.finish()
            let connection = try await server.connect("bob")
            let subscribed = try await connection.execute(.list(pattern: "*", returnOptions: "SUBSCRIBED"))
            let names = subscribed.untagged.compactMap { response -> String? in
                if case .list(let entry) = response { return entry.name }
                return nil
            }
            #expect(names.contains("Restored/2024 &- Co/Caf&AOk-"))
            #expect(names.contains("Restored/2024 &- Co"))
            #expect(names.contains("Restored"))
            await connection.close()
        }
    }

    @Test("append restores bytes, flags, keywords and dates; fingerprints find them again")
    func appendAndFingerprints() async throws {
        try await withDovecot { server in
            let target = makeTarget(server)
            let path = FolderPath(["Archiv", "Grüße & mehr"])
            try await target.prepareFolder(path, specialUse: nil)
            let large = String(repeating: "x", count: 76) + "\r\n"
            let raws: [[UInt8]] = [
                Array("Message-ID: <r1@example.org>\r\nSubject: one\r\n\r\nBody\r\n".utf8),
                Array("Subject: no id, 8bit \u{fc}, LF only\n\nBody \u{1F600}\n".utf8),
                Array("Message-ID:\r\n <r3@example.org>\r\nSubject: big\r\n\r\n\(String(repeating: large, count: 27_000))".utf8),
            ]
            let items = raws.enumerated().map { index, raw in
                RestoreItem(
                    key: ItemKey("7.\(index + 1)"),
                    flags: index == 0 ? ItemFlags(system: [.seen, .answered], keywords: ["Project"]) : ItemFlags(system: [.flagged]),
                    internalDate: Date(timeIntervalSince1970: 1_500_000_000 + Double(index)), messageID: nil, raw: raw)
            }
            let results = try await target.append(items, to: path)
            #expect(results.count == 3)
            #expect(results.allSatisfy { $0 == nil })
            let fingerprints = try await target.existingFingerprints(in: path)
            #expect(fingerprints == [
                MessageFingerprint(identity: "r1@example.org", internalDate: 1_500_000_000),
                MessageFingerprint(identity: MessageFingerprint.digestIdentity(raws[1]), internalDate: 1_500_000_001),
                MessageFingerprint(identity: "r3@example.org", internalDate: 1_500_000_002),
            ])
            #expect(try await target.existingFingerprints(in: FolderPath(["Trash"])).isEmpty)
            let missing = try await target.append(items.prefix(1).map { $0 }, to: FolderPath(["Does not exist"]))
            #expect(missing.count == 1 && missing[0] != nil)
            try await target.finish()

            let connection = try await server.connect("bob")
            try await connection.execute(.select(mailbox: try MailboxName.wireName(of: path, delimiter: "/"), readOnly: true, parameters: .none))
            let fetched = try await connection.execute(.uidFetch(UIDSet(ranges: [1...UInt32.max]), items: "UID FLAGS INTERNALDATE BODY.PEEK[]", modifiers: nil))
            var byUID: [UInt32: [FetchAttribute]] = [:]
            for case .fetch(_, let attributes) in fetched.untagged { byUID[attributes.uid ?? 0] = attributes }
            for (index, item) in items.enumerated() {
                let attributes = try #require(byUID[UInt32(index + 1)])
                let crlf = String(decoding: item.raw, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n")
                #expect(attributes.body(section: "") == Array(crlf.utf8))
                #expect(ItemFlags(imapNames: attributes.flags ?? []) == item.flags)
                #expect(attributes.internalDate == item.internalDate)
            }
            await connection.close()
        }
    }

    @Test("a group the server refuses is retried one by one, so only the bad item fails")
    func refusedGroup() async throws {
        try await withDovecot { server in
            let target = makeTarget(server)
            let date = Date(timeIntervalSince1970: 1_400_000_000)
            let items = ["Message-ID: <g1@x>\r\n\r\none\r\n", "", "Message-ID: <g3@x>\r\n\r\nthree\r\n"].enumerated().map { index, text in
                RestoreItem(key: ItemKey("1.\(index)"), flags: .none, internalDate: date, messageID: nil, raw: Array(text.utf8))
            }
            let results = try await target.append(items, to: .inbox)
            #expect(results.count == 3)
            #expect(results[0] == nil && results[1] != nil && results[2] == nil)
            let fingerprints = try await target.existingFingerprints(in: .inbox)
            #expect(fingerprints == [
                MessageFingerprint(identity: "g1@x", internalDate: 1_400_000_000),
                MessageFingerprint(identity: "g3@x", internalDate: 1_400_000_000),
            ])
            let many = (0..<300).map { index in
                RestoreItem(key: ItemKey("2.\(index)"), flags: ItemFlags(system: [.seen]), internalDate: date, messageID: nil,
                            raw: Array("Message-ID: <many\(index)@x>\r\n\r\nbody\r\n".utf8))
            }
            let manyResults = try await target.append(many, to: .inbox)
            #expect(manyResults.allSatisfy { $0 == nil })
            #expect(try await target.existingFingerprints(in: .inbox).count == 302)
            try await target.finish()
        }
    }
}
