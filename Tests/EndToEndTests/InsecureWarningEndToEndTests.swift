import Foundation
import Testing

/// `--insecure` with a DAV server over TLS prints one warning line on the terminal, as it
/// does for IMAP, whether the DAV server is backed up or restored into.
@Suite struct InsecureWarningEndToEndTests {
    static let warning = "the DAV server's certificate is not verified"
    /// Nothing listens on port 9 of the loopback address: the runs stop at the connection.
    static let unreachable = "https://127.0.0.1:9/"

    @Test func aDAVRestoreWithInsecureWarnsOnTheTerminalAndOnlyThen() throws {
        let work = try Workspace()
        let backup = try Tools.run("brick-backup", ["backup", "--source", work.source, "-u", "alice", "--store", work.store.path, "--progress", "never"])
        #expect(backup.status == 0, "\(backup.stderr)")
        let user = work.store.appendingPathComponent("alice").path
        let environment = ["BRICK_TEST_DAV_PASSWORD": "secret"]
        let insecure = try Tools.run("brick-restore", [
            user, "--to", "dav:" + Self.unreachable, "--user", "bob", "--password-env", "BRICK_TEST_DAV_PASSWORD",
            "--insecure", "--progress", "never",
        ], environment: environment)
        #expect(insecure.stderr.contains(Self.warning), "\(insecure.stderr)")
        let checked = try Tools.run("brick-restore", [
            user, "--to", "dav:" + Self.unreachable, "--user", "bob", "--password-env", "BRICK_TEST_DAV_PASSWORD", "--progress", "never",
        ], environment: environment)
        #expect(!checked.stderr.contains(Self.warning), "\(checked.stderr)")
    }

    @Test func aBackupWithADAVSourceAndInsecureWarnsOnTheTerminal() throws {
        let work = try Workspace()
        let result = try Tools.run("brick-backup", [
            "backup", "--source", work.source, "-u", "alice", "--store", work.store.path, "--dav", Self.unreachable,
            "--insecure", "--progress", "never",
        ])
        #expect(result.stderr.contains(Self.warning), "\(result.stderr)")
    }
}
