import BrickTestSupport
import Foundation
import Testing

/// The settings step of a backup when ManageSieve misbehaves, on the Dovecot test
/// server behind a fault proxy that stalls the ManageSieve connection: the backup
/// gives up after its read timeout with one clear line and keeps the rest; killed
/// while it waits, it leaves a store that verifies and a rerun completes.
@Suite(.serialized, .enabled(if: IMAPServerFixture.available(.dovecot))) struct SettingsFaultTests {
    private func prepare(_ server: IMAPServerFixture) throws {
        try server.doveadm(["mailbox", "create", "-u", "alice", "Projects"])
        try server.doveadm(["acl", "set", "-u", "alice", "Projects", "user=bob", "lookup", "read"])
        try server.doveadm(["sieve", "put", "-u", "alice", "-a", "filters"], input: Data("keep;\n".utf8))
    }

    private func arguments(_ server: IMAPServerFixture, store: URL, sievePort: Int, timeout: Int) -> [String] {
        ["backup", "--source", server.url, "-u", "alice", "--store", store.path, "--progress", "never", "--timeout", "\(timeout)"]
            + server.adminArguments + ["--sieve-port", "\(sievePort)"]
    }

    @Test func aManageSieveServerThatStallsTimesOutWithOneLineAndTheRestOfTheUserIsKept() throws {
        let server = try IMAPServerFixture(.dovecot)
        let sievePort = try #require(server.values["SIEVE_PORT"].flatMap(Int.init), "the Dovecot test server has no ManageSieve")
        try prepare(server)
        let work = try Workspace()
        let first = try Tools.run("brick-backup", arguments(server, store: work.store, sievePort: sievePort, timeout: 120))
        #expect(first.status == 0, "\(first.stdout)\(first.stderr)")

        try server.doveadm(["acl", "set", "-u", "alice", "Projects", "user=bob", "lookup", "read", "insert"])
        let proxy = try FaultProxy(upstreamPort: sievePort) { _ in .stall(afterBytes: 1) }
        let stalled = try Tools.run("brick-backup", arguments(server, store: work.store, sievePort: proxy.port, timeout: 10))
        #expect(stalled.status == 1, "\(stalled.stdout)\(stalled.stderr)")
        let output = stalled.stdout + stalled.stderr
        let lines = output.split(separator: "\n").filter { $0.contains("ManageSieve") || $0.contains("Sieve scripts") }
        #expect(lines.count == 1 && lines[0].contains("Sieve scripts not read") && lines[0].contains("did not answer in time"), "\(output)")
        #expect(proxy.applied.map(\.kind) == ["stall"])

        let current = try settings(work.store.appendingPathComponent("alice"))
        #expect(current.contains { $0.kind == "sieve" && $0.name == "filters" }, "the stored script stays")
        #expect(current.contains { $0.kind == "acl" && $0.folder == "Projects" && $0.name == "bob" && Set($0.value) == Set("lri") }, "\(current.map(\.listed))")
    }

    @Test func aBackupKilledWhileItReadsSettingsLeavesAStoreThatVerifiesAndARerunCompletesIt() throws {
        let server = try IMAPServerFixture(.dovecot)
        let sievePort = try #require(server.values["SIEVE_PORT"].flatMap(Int.init), "the Dovecot test server has no ManageSieve")
        try prepare(server)
        try server.doveadm(["save", "-u", "alice", "-m", "Projects"], input: Data("Subject: plan\r\nMessage-ID: <p@x>\r\n\r\nbody\r\n".utf8))
        let work = try Workspace()
        let proxy = try FaultProxy(upstreamPort: sievePort) { _ in .stall(afterBytes: 1) }
        let process = Process()
        process.executableURL = Tools.binDirectory.appendingPathComponent("brick-backup")
        process.arguments = arguments(server, store: work.store, sievePort: proxy.port, timeout: 600)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // The ManageSieve connection opens when the settings step begins, after the folders.
        while process.isRunning && proxy.applied.isEmpty { usleep(10_000) }
        #expect(process.isRunning, "the backup ended before its settings step stalled")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(proxy.applied.map(\.kind) == ["stall"])

        let store = work.store.appendingPathComponent("alice")
        let verify = try Tools.run("brick-backup", ["verify", store.path, "--progress", "never"])
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
        let rerun = try Tools.run("brick-backup", arguments(server, store: work.store, sievePort: sievePort, timeout: 120))
        #expect(rerun.status == 0, "\(rerun.stdout)\(rerun.stderr)")
        let listed = try settings(store)
        #expect(listed.contains { $0.kind == "sieve" && $0.name == "filters" })
        #expect(listed.contains { $0.kind == "acl" && $0.folder == "Projects" && $0.name == "bob" })
        let items = try Tools.run("brick-backup", ["index", store.path, "--format", "csv"])
        #expect(items.stdout.contains("plan"), "\(items.stdout)")
        let again = try Tools.run("brick-backup", arguments(server, store: work.store, sievePort: sievePort, timeout: 120))
        #expect(again.status == 0, "\(again.stdout)\(again.stderr)")
    }
}
