import Foundation
import Testing

/// Item files written with Brick's vectorized page checksum carry the checksums libdb
/// itself computes: Debian's `db_verify`, a separate process using libdb's own function,
/// accepts every one.
@Suite(.serialized) struct PageChecksumEndToEndTests {
    private func itemFiles(_ userStore: URL) -> [String] {
        let folders = userStore.appendingPathComponent("folders")
        guard let walker = FileManager.default.enumerator(at: folders, includingPropertiesForKeys: nil) else { return [] }
        return walker.compactMap { $0 as? URL }.filter { $0.lastPathComponent == "items.db" }
            .map { String($0.path.dropFirst(userStore.path.count + 1)) }
    }

    @Test func theExecutablesExportThePageChecksumForLibdb() throws {
        for tool in ["brick-backup", "brick-restore"] {
            let symbols = try Tools.runProgram("/usr/bin/nm", ["-D", "--defined-only", Tools.binDirectory.appendingPathComponent(tool).path])
            #expect(symbols.status == 0, "\(symbols.stderr)")
            #expect(symbols.stdout.split(separator: "\n").contains { $0.hasSuffix(" T __ham_func4") }, "\(tool)")
        }
    }

    @Test func aBackedUpStoreVerifiesWithLibdbsOwnChecksum() throws {
        let work = try Workspace()
        // A large message of random bytes, so several overflow pages are checksummed too.
        var generator = SystemRandomNumberGenerator()
        let attachment = Data((0..<(300 * 1024)).map { _ in UInt8.random(in: 0...255, using: &generator) }).base64EncodedString()
        let message = "From: big@example.org\r\nSubject: large\r\nMessage-ID: <large@e2e>\r\n\r\n\(attachment)\r\n"
        try Data(message.utf8).write(to: work.maildir("alice").appendingPathComponent("new/1800000001.M1P1.large"))
        let backup = try Tools.run("brick-backup", ["backup", "--source", work.source, "-u", "alice",
                                                    "--store", work.store.path, "--progress", "never"])
        #expect(backup.status == 0, "\(backup.stderr)")

        let userStore = work.store.appendingPathComponent("alice")
        let files = itemFiles(userStore)
        #expect(files.count >= 2)
        for file in files {
            let verified = try Tools.runProgram("/usr/bin/db5.3_verify", ["-h", userStore.appendingPathComponent("env").path, file])
            #expect(verified.status == 0, "\(file): \(verified.stdout)\(verified.stderr)")
        }
        let verify = try Tools.run("brick-backup", ["verify", userStore.path, "--progress", "never"])
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
    }
}
