import Crypto
import Foundation
import Testing

/// A message of a few hundred MB goes through the built executables in bounded
/// memory (docs/DESIGN.md "Memory"): backed up as a stream into segment records,
/// verified, and restored to a Maildir, to .eml files and to an mbox piece by piece.
@Suite(.serialized) struct LargeMessageEndToEndTests {
    /// The message: a header, 128 MiB of text and 128 MiB of random bytes.
    static let textBytes = 128 << 20
    static let randomBytes = 128 << 20
    /// The peak resident memory (KiB) a process may reach: under half the message
    /// (a process of these tools starts at about 50 MB, the store's shared cache included).
    static let memoryBound = 120 << 10

    /// Writes the large message into alice's INBOX and returns its path.
    func writeLargeMessage(_ work: Workspace) throws -> URL {
        let file = work.maildir("alice").appendingPathComponent("cur/1772600000.M1P1.large:2,S")
        try #require(FileManager.default.createFile(atPath: file.path, contents: nil))
        let out = try FileHandle(forWritingTo: file)
        defer { try? out.close() }
        try out.write(contentsOf: Data("From: Erin <erin@example.org>\nTo: alice@example.org\nSubject: The large attachment\nMessage-ID: <large-1@example.org>\n\n".utf8))
        let line = Data("All work and no play makes a large message, line after line after line.\n".utf8)
        var text = Data()
        while text.count < 1 << 20 { text.append(line) }
        for _ in 0..<(LargeMessageEndToEndTests.textBytes >> 20) { try out.write(contentsOf: text) }
        let random = try #require(FileHandle(forReadingAtPath: "/dev/urandom"))
        defer { try? random.close() }
        for _ in 0..<(LargeMessageEndToEndTests.randomBytes >> 20) {
            try out.write(contentsOf: try #require(try random.read(upToCount: 1 << 20)))
        }
        try out.write(contentsOf: Data("\nThe end.\n".utf8))
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: 1_772_600_000)], ofItemAtPath: file.path)
        return file
    }

    /// SHA-256 and size of a file, read in pieces.
    func digest(_ file: URL) throws -> (String, Int) {
        let handle = try FileHandle(forReadingFrom: file)
        defer { try? handle.close() }
        var hasher = SHA256()
        var size = 0
        while let piece = try handle.read(upToCount: 4 << 20), !piece.isEmpty {
            hasher.update(data: piece)
            size += piece.count
        }
        return (hasher.finalize().map { String(format: "%02x", $0) }.joined(), size)
    }

    /// The only file under `root` whose name contains `marker`.
    func restoredFile(under root: URL, containing marker: String) throws -> URL {
        let walker = try #require(FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil))
        let found = walker.compactMap { $0 as? URL }.filter { $0.lastPathComponent.contains(marker) }
        #expect(found.count == 1, "\(found)")
        return try #require(found.first)
    }

    @Test func aMessageOfSeveralHundredMBIsBackedUpAndRestoredInBoundedMemory() throws {
        let work = try Workspace()
        let original = try digest(try writeLargeMessage(work))
        let user = work.store.appendingPathComponent("alice").path

        let backup = try Tools.runMeasured("brick-backup", ["backup", "--source", work.source, "-u", "alice", "--store", work.store.path, "--progress", "never"])
        #expect(backup.result.status == 0, "\(backup.result.stderr)")
        #expect(backup.maxResidentKiB < LargeMessageEndToEndTests.memoryBound, "backup peaked at \(backup.maxResidentKiB) KiB")
        let stored = try index(work.store.appendingPathComponent("alice")).filter { $0.key == "1772600000.M1P1.large" }
        #expect(stored.count == 1 && stored.first?.size == original.1 && stored.first?.subject == "The large attachment")
        let verify = try Tools.runMeasured("brick-backup", ["verify", user])
        #expect(verify.result.status == 0, "\(verify.result.stdout)\(verify.result.stderr)")
        #expect(verify.maxResidentKiB < LargeMessageEndToEndTests.memoryBound, "verify peaked at \(verify.maxResidentKiB) KiB")

        let maildir = work.url.appendingPathComponent("restored")
        let toMaildir = try Tools.runMeasured("brick-restore", [user, "--key", "1772600000.M1P1.large", "--to", "maildir:\(maildir.path)", "--progress", "never"])
        #expect(toMaildir.result.status == 0, "\(toMaildir.result.stdout)\(toMaildir.result.stderr)")
        #expect(toMaildir.maxResidentKiB < LargeMessageEndToEndTests.memoryBound, "Maildir restore peaked at \(toMaildir.maxResidentKiB) KiB")
        #expect(try digest(try restoredFile(under: maildir, containing: "S=\(original.1)")) == original)

        let eml = work.url.appendingPathComponent("eml")
        let toEML = try Tools.runMeasured("brick-restore", [user, "--key", "1772600000.M1P1.large", "--to", "eml:\(eml.path)", "--progress", "never"])
        #expect(toEML.result.status == 0, "\(toEML.result.stdout)\(toEML.result.stderr)")
        #expect(toEML.maxResidentKiB < LargeMessageEndToEndTests.memoryBound, "eml restore peaked at \(toEML.maxResidentKiB) KiB")
        #expect(try digest(try restoredFile(under: eml, containing: "1772600000.M1P1.large")) == original)

        // mbox quotes it as it comes (mboxrd; CRLF becomes LF, so sizes differ a little).
        let mbox = work.url.appendingPathComponent("large.mbox")
        let toMbox = try Tools.runMeasured("brick-restore", [user, "--key", "1772600000.M1P1.large", "--to", "mbox:\(mbox.path)", "--progress", "never"])
        #expect(toMbox.result.status == 0, "\(toMbox.result.stdout)\(toMbox.result.stderr)")
        #expect(toMbox.maxResidentKiB < LargeMessageEndToEndTests.memoryBound, "mbox restore peaked at \(toMbox.maxResidentKiB) KiB")
        let head = try FileHandle(forReadingFrom: mbox)
        let start = String(decoding: try #require(try head.read(upToCount: 200)), as: UTF8.self)
        try head.close()
        #expect(start.hasPrefix("From erin@example.org ") && start.contains("\nSubject: The large attachment\n"))
        let mboxSize = try #require(try FileManager.default.attributesOfItem(atPath: mbox.path)[.size] as? Int)
        #expect(mboxSize > original.1 - original.1 / 100 && mboxSize < original.1 + original.1 / 100)

        // Again: the copy at the target is found (its digest read piece by piece) and kept.
        let again = try Tools.runMeasured("brick-restore", [user, "--key", "1772600000.M1P1.large", "--to", "maildir:\(maildir.path)", "--progress", "never"])
        #expect(again.result.status == 0 && again.result.stdout.contains("restored 0,"), "\(again.result.stdout)")
        #expect(again.maxResidentKiB < LargeMessageEndToEndTests.memoryBound, "second restore peaked at \(again.maxResidentKiB) KiB")
    }
}
