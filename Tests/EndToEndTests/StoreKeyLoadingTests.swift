import Foundation
import Testing

/// Key material is read only when a sealed store is opened (docs/DESIGN.md "Encryption
/// at rest"): a key variable naming a missing or world-readable file does not stop a
/// plain store or `--help`, and stops a sealed one with one line, exit 2.
@Suite struct StoreKeyLoadingTests {
    /// An environment whose key variables name unusable files.
    func unusableSecrets(_ work: Workspace) throws -> [String: String] {
        let open = work.url.appendingPathComponent("world-readable-passphrase").path
        try #require(FileManager.default.createFile(atPath: open, contents: Data("readable by all".utf8), attributes: [.posixPermissions: 0o644]))
        return [
            "BRICK_STORE_KEY_FILE": work.url.appendingPathComponent("no-such-key-file").path,
            "BRICK_STORE_PASSPHRASE_FILE": open,
        ]
    }

    @Test func aPlainStoreAndHelpNeverReadTheKeyVariables() throws {
        let work = try Workspace()
        let environment = try unusableSecrets(work)
        let help = try Tools.run("brick-backup", ["--help"], environment: environment)
        #expect(help.status == 0 && help.stdout.contains("Exit codes"), "\(help.stderr)")
        let backup = try Tools.run("brick-backup", ["backup", "--source", work.source, "-u", "alice", "--store", work.store.path, "--progress", "never"], environment: environment)
        #expect(backup.status == 0, "\(backup.stdout)\(backup.stderr)")
        let alice = work.store.appendingPathComponent("alice").path
        let listing = try Tools.run("brick-backup", ["index", alice], environment: environment)
        #expect(listing.status == 0 && !listing.stdout.isEmpty, "\(listing.stderr)")
        let restore = try Tools.run("brick-restore", [alice, "--to", "eml:\(work.url.appendingPathComponent("eml").path)", "--progress", "never"], environment: environment)
        #expect(restore.status == 0, "\(restore.stderr)")
    }

    @Test func aSealedStoreWithAnUnusableKeyVariableStopsWithOneLine() throws {
        let work = try Workspace()
        let keyFile = work.url.appendingPathComponent("unlock.key").path
        let made = try Tools.run("brick-backup", ["init", "--encrypt", "--store", work.store.path, "--key-file", keyFile])
        #expect(made.status == 0, "\(made.stderr)")
        let backupArguments = ["backup", "--source", work.source, "-u", "alice", "--store", work.store.path, "--progress", "never"]
        let missing = try Tools.run("brick-backup", backupArguments, environment: ["BRICK_STORE_KEY_FILE": work.url.appendingPathComponent("no-such-key-file").path])
        #expect(missing.status == 2 && missing.stderr.split(separator: "\n").count == 1, "\(missing.stderr)")
        #expect(missing.stderr.contains("BRICK_STORE_KEY_FILE") && missing.stderr.contains("no-such-key-file"), "\(missing.stderr)")
        let none = try Tools.run("brick-backup", backupArguments)
        #expect(none.status == 2 && none.stderr.contains("sealed"), "\(none.stderr)")
        let backup = try Tools.run("brick-backup", backupArguments, environment: ["BRICK_STORE_KEY_FILE": keyFile])
        #expect(backup.status == 0, "\(backup.stdout)\(backup.stderr)")
        let alice = work.store.appendingPathComponent("alice").path
        let restore = try Tools.run("brick-restore", [alice, "--to", "eml:\(work.url.appendingPathComponent("eml").path)"], environment: try unusableSecrets(work))
        #expect(restore.status == 2 && restore.stderr.split(separator: "\n").count == 1, "\(restore.stderr)")
    }
}
