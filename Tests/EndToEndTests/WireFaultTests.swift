import BrickTestSupport
import Crypto
import Foundation
import Testing

/// Faults on the wire: seeded runs of a backup of a changing mailbox, and of a restore,
/// through a proxy that cuts connections at random byte offsets, stalls them past the
/// read timeout and resets them (in the TLS handshake too). After each faulty run a
/// clean rerun must bring the catalog to exactly the server's state (folder, UID,
/// flags, SHA-256), with nothing stored twice and nothing missing; a restore rerun
/// must leave every message exactly once.
///
/// `BRICK_WIRE_SEEDS` sets how many seeds run (10 by default, for CI), from
/// `BRICK_WIRE_FIRST_SEED` (1). Each seed is printed, so a failure can be replayed.
@Suite(.serialized, .enabled(if: IMAPServerFixture.available(.dovecot))) struct WireFaultTests {
    static let folders = ["INBOX", "Archive", "Lists/Swift"]

    @Test func backupAndRestoreThroughFaultsConvergeOnRerun() throws {
        let environment = ProcessInfo.processInfo.environment
        let seedCount = environment["BRICK_WIRE_SEEDS"].flatMap(Int.init) ?? 10
        let firstSeed = environment["BRICK_WIRE_FIRST_SEED"].flatMap(UInt64.init) ?? 1
        let server = try IMAPServerFixture(.dovecot)
        let work = try Workspace()
        let ca = try #require(server.values["CA_FILE"])
        let login = ["--tls", "starttls", "--ca-file", ca, "--admin-user", "backup-admin", "--password-file", server.adminPasswordFile.path]
        var mailbox = ChangingMailbox(server: server, user: "alice")
        for folder in Self.folders where folder != "INBOX" {
            try server.doveadm(["mailbox", "create", "-u", "alice", folder])
        }
        var fill = SeededGenerator(seed: 0)
        for index in 0..<24 { try mailbox.deliver(to: Self.folders[index % 3], using: &fill) }

        let aliceStore = work.url.appendingPathComponent("alice-store")
        let bobStore = work.url.appendingPathComponent("bob-store")
        var faultCounts: [String: Int] = [:]
        var faultyExits: [Int32: Int] = [:]
        for seed in firstSeed..<(firstSeed + UInt64(seedCount)) {
            print("wire fault seed \(seed)")
            var random = SeededGenerator(seed: seed)
            try mailbox.change(using: &random)

            // Backup through the proxy, then a clean rerun.
            let backupProxy = try FaultProxy(upstreamPort: server.imapPort, plan: Self.plan(seed: seed, salt: 1))
            let backup = ["-u", "alice", "--store", aliceStore.path, "--progress", "never", "--timeout", "1"] + login
            let faulty = try Tools.run("brick-backup", ["backup", "--source", "imap://127.0.0.1:\(backupProxy.port)"] + backup)
            #expect([0, 1].contains(faulty.status), "seed \(seed): faulty backup exit \(faulty.status): \(faulty.stderr)")
            faultyExits[faulty.status, default: 0] += 1
            let clean = try Tools.run("brick-backup", ["backup", "--source", server.url] + backup)
            #expect(clean.status == 0, "seed \(seed): clean backup: \(clean.stdout)\(clean.stderr)")
            let present = try index(aliceStore.appendingPathComponent("alice"))
            #expect(Set(present.map(Self.catalogFact)).count == present.count, "seed \(seed): an item stored twice")
            #expect(try mailbox.serverState() == Set(present.map(Self.catalogFact)), "seed \(seed): catalog differs from the server")

            // Restore through the proxy under a root of its own, a clean rerun, then
            // compare what bob holds there with alice's backup.
            let root = "R\(seed)"
            let restoreProxy = try FaultProxy(upstreamPort: server.imapPort, plan: Self.plan(seed: seed, salt: 2))
            let restore = [aliceStore.appendingPathComponent("alice").path, "--user", "bob", "--restore-root", root,
                           "--progress", "never", "--timeout", "1"] + login
            let faultyRestore = try Tools.run("brick-restore", restore + ["--to", "imap://127.0.0.1:\(restoreProxy.port)"])
            #expect([0, 1].contains(faultyRestore.status), "seed \(seed): faulty restore exit \(faultyRestore.status): \(faultyRestore.stderr)")
            let cleanRestore = try Tools.run("brick-restore", restore + ["--to", server.url])
            #expect(cleanRestore.status == 0, "seed \(seed): clean restore: \(cleanRestore.stdout)\(cleanRestore.stderr)")
            let bobBackup = try Tools.run("brick-backup", ["backup", "--source", server.url, "-u", "bob", "--store", bobStore.path,
                                                          "--progress", "never"] + login)
            #expect(bobBackup.status == 0, "seed \(seed): bob backup: \(bobBackup.stderr)")
            let restored = try index(bobStore.appendingPathComponent("bob"), ["--folder", root, "--recursive"])
            #expect(Self.contents(restored, under: root) == Self.contents(present, under: nil), "seed \(seed): restore lost or duplicated mail")
            try server.doveadm(["mailbox", "delete", "-u", "bob", "-r", root])

            for fault in backupProxy.applied + restoreProxy.applied { faultCounts[fault.kind, default: 0] += 1 }
        }
        print("wire fault seeds \(firstSeed)..<\(firstSeed + UInt64(seedCount)): faults \(faultCounts.sorted { $0.key < $1.key }), "
            + "faulty backup exits \(faultyExits.sorted { $0.key < $1.key })")
    }

    /// The faults of one run: the first one to four connections get one each, at a
    /// byte offset spread over a log scale (so the TLS handshake, the greeting and the
    /// bodies are all hit); later connections pass.
    static func plan(seed: UInt64, salt: UInt64) -> @Sendable (Int) -> FaultProxy.Fault {
        var random = SeededGenerator(seed: seed &* 1_000_003 &+ salt)
        let faulty = Int.random(in: 1...4, using: &random)
        let faults: [FaultProxy.Fault] = (0..<faulty).map { _ in
            let offset = Int.random(in: 0..<(1 << Int.random(in: 6...18, using: &random)), using: &random)
            switch Int.random(in: 0..<10, using: &random) {
            case 0..<3: return .cut(afterBytes: offset)
            case 3..<6: return .reset(afterBytes: offset % 4096)
            case 6..<8: return .cutUpstream(afterBytes: offset % 8192)
            default: return .stall(afterBytes: offset)
            }
        }
        return { index in index < faults.count ? faults[index] : .none }
    }

    /// `folder|uid|flags|sha256` of a catalog item.
    static func catalogFact(_ item: IndexedItem) -> String {
        let uid = item.key.split(separator: ".").last ?? ""
        return "\(item.folder)|\(uid)|\(ChangingMailbox.flagText(item.flags))|\(item.sha256 ?? "")"
    }

    /// The multiset of `folder|flags|sha256` of items, with `root/` taken off the folder.
    static func contents(_ items: [IndexedItem], under root: String?) -> [String: Int] {
        var counts: [String: Int] = [:]
        for item in items {
            let folder = root.map { String(item.folder.dropFirst($0.count + 1)) } ?? item.folder
            counts["\(folder)|\(ChangingMailbox.flagText(item.flags))|\(item.sha256 ?? "")", default: 0] += 1
        }
        return counts
    }
}

/// A user's mailbox changed at random between runs through doveadm, with a ledger of
/// the SHA-256 of every message delivered (by Message-ID), since doveadm cannot give
/// the bytes of hundreds of messages cheaply.
struct ChangingMailbox {
    let server: IMAPServerFixture
    let user: String
    private var digests: [String: String] = [:]
    private var delivered = 0

    init(server: IMAPServerFixture, user: String) {
        self.server = server
        self.user = user
    }

    static func flagText(_ flags: [String]) -> String {
        flags.filter { $0 != "\\Recent" }.sorted().joined(separator: " ")
    }

    /// Delivers a new message of a random size (CRLF line ends, as IMAP hands it back).
    mutating func deliver(to folder: String, using random: inout SeededGenerator) throws {
        delivered += 1
        let id = "m\(delivered)-\(random.next() % 1_000_000)@wire.test"
        let lines = Int.random(in: 1...(Int.random(in: 0..<10, using: &random) == 0 ? 3000 : 150), using: &random)
        var text = "From: sender\(delivered % 7)@example.org\r\nSubject: message \(delivered)\r\nMessage-ID: <\(id)>\r\n\r\n"
        for line in 0..<lines { text += "line \(line) of message \(delivered): \(random.next())\r\n" }
        let bytes = Data(text.utf8)
        digests[id] = SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
        try server.doveadm(["save", "-u", user, "-m", folder], input: bytes)
    }

    /// One round of changes: new mail, flags set and cleared, an expunge, a move.
    mutating func change(using random: inout SeededGenerator) throws {
        for _ in 0..<Int.random(in: 1...3, using: &random) {
            try deliver(to: WireFaultTests.folders.randomElement(using: &random)!, using: &random)
        }
        let messages = try listing()
        guard messages.count > 4 else { return }
        for _ in 0..<Int.random(in: 1...3, using: &random) {
            let message = messages.randomElement(using: &random)!
            let flag = ["\\Seen", "\\Flagged", "\\Answered", "$Work"].randomElement(using: &random)!
            let verb = Bool.random(using: &random) ? "add" : "remove"
            try server.doveadm(["flags", verb, "-u", user, flag, "mailbox", message.folder, "uid", message.uid])
        }
        if Bool.random(using: &random) {
            let message = messages.randomElement(using: &random)!
            try server.doveadm(["expunge", "-u", user, "mailbox", message.folder, "uid", message.uid])
        }
        if Int.random(in: 0..<3, using: &random) == 0 {
            let message = messages.randomElement(using: &random)!
            let destination = WireFaultTests.folders.filter { $0 != message.folder }.randomElement(using: &random)!
            try server.doveadm(["move", "-u", user, destination, "mailbox", message.folder, "uid", message.uid])
        }
    }

    /// The server's messages as `folder|uid|flags|sha256`.
    func serverState() throws -> Set<String> {
        Set(try listing().map { "\($0.folder)|\($0.uid)|\($0.flags)|\(digests[$0.messageID] ?? "unknown")" })
    }

    private func listing() throws -> [(folder: String, uid: String, flags: String, messageID: String)] {
        let output = try server.doveadm(["-f", "tab", "fetch", "-u", user, "mailbox uid flags hdr.message-id", "all"])
        return output.split(separator: "\n").dropFirst().map { line in
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            let flags = fields.count > 2 ? fields[2].split(separator: " ").map(String.init) : []
            let id = fields.count > 3 ? fields[3].trimmingCharacters(in: CharacterSet(charactersIn: " <>")) : ""
            return (fields[0], fields[1], Self.flagText(flags), id)
        }
    }
}
