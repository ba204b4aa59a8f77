@testable import BrickIMAP
import BrickCore
import BrickMessage
import Foundation
import Testing

@Suite("IMAPTarget content digests against a real Dovecot", .enabled(if: DovecotServer.shouldRun))
struct TargetDigestTests {
    @Test("two messages with one Message-ID and one date are one fingerprint with two copies of different digests")
    func twinsHaveDifferentDigests() async throws {
        try await withDovecot { server in
            let target = IMAPTarget(
                endpoint: server.endpoint(tls: .implicit),
                credentials: IMAPCredentials(user: "carol", password: "pass-admin", adminUser: "backup-admin"), logger: testLogger)
            let date = Date(timeIntervalSince1970: 1_738_573_200)
            let raws = ["first", "second"].map { Array("Message-ID: <same@x>\nSubject: \($0)\n\n\($0) body\n".utf8) }
            let items = raws.enumerated().map { RestoreItem(key: ItemKey("k\($0.offset)"), flags: .none, internalDate: date, messageID: "same@x", raw: $0.element) }
            try await target.prepareFolder(.inbox, specialUse: nil)
            #expect(try await target.append(items, to: .inbox).allSatisfy { $0 == nil })
            let listed = try await target.existingMessages(in: .inbox)
            let copies = try #require(listed[MessageFingerprint(identity: "same@x", internalDate: 1_738_573_200)])
            #expect(copies.count == 2)
            let digests = try await target.contentDigests(of: copies, in: .inbox)
            #expect(Set(digests.values) == Set(raws.map(MessageFingerprint.contentDigest)))
            try await target.finish()
        }
    }

    @Test("a CREATE the server refuses fails prepareFolder with the server's answer")
    func refusedCreate() async throws {
        try await withDovecot { server in
            let target = IMAPTarget(
                endpoint: server.endpoint(tls: .implicit),
                credentials: IMAPCredentials(user: "carol", password: "pass-admin", adminUser: "backup-admin"), logger: testLogger)
            do {
                try await target.prepareFolder(FolderPath([String(repeating: "n", count: 400)]), specialUse: nil)
                Issue.record("a 400-character name was created")
            } catch {
                guard case .commandFailed(_, _, let command, let status, _)? = error as? IMAPError else {
                    Issue.record("unexpected \(error)")
                    return
                }
                #expect(command == "CREATE" && status == "NO")
            }
            try await target.prepareFolder(FolderPath(["fine"]), specialUse: nil)
            try await target.finish()
        }
    }
}
