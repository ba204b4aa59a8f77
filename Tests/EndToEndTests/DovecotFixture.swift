import BrickTestSupport
import Foundation

/// A throwaway Dovecot from tools/dovecot-test-server, started for one test and
/// stopped by pid when the value goes away.
final class DovecotFixture {
    let directory: URL
    let imapPort: Int
    let configFile: String
    let adminPasswordFile: URL

    /// True when the IMAP tests must run: Dovecot is installed or CI is set (then a
    /// missing Dovecot fails the test rather than skipping it).
    static var available: Bool {
        FileManager.default.isExecutableFile(atPath: "/usr/sbin/dovecot") || ProcessInfo.processInfo.environment["CI"] == "true"
    }

    init() throws {
        directory = URL(fileURLWithPath: "/tmp/brick-e2e-imap-\(UUID().uuidString)")
        let output = try ChildProcess.run("/bin/bash", [Tools.packageRoot.appendingPathComponent("tools/dovecot-test-server").path, "start", directory.path])
        var values: [String: String] = [:]
        for line in output.split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1).map(String.init)
            if parts.count == 2 { values[parts[0]] = parts[1] }
        }
        guard let port = values["IMAP_PORT"].flatMap(Int.init), let conf = values["DOVECOT_CONF"] else {
            throw ChildProcess.Failure(message: "dovecot-test-server said: \(output)")
        }
        imapPort = port
        configFile = conf
        adminPasswordFile = directory.appendingPathComponent("admin-password")
        try Data("pass-admin\n".utf8).write(to: adminPasswordFile)
    }

    deinit {
        _ = try? ChildProcess.run("/bin/bash", [Tools.packageRoot.appendingPathComponent("tools/dovecot-test-server").path, "stop", directory.path])
        try? FileManager.default.removeItem(at: directory)
    }

    var url: String { "imap://127.0.0.1:\(imapPort)" }

    /// The arguments that log in as the master user, acting for each user.
    var adminArguments: [String] { ["--tls", "never", "--admin-user", "backup-admin", "--password-file", adminPasswordFile.path] }

    /// Runs doveadm against this server.
    @discardableResult
    func doveadm(_ arguments: [String], input: Data? = nil) throws -> String {
        try ChildProcess.run("/usr/bin/doveadm", ["-c", configFile] + arguments, input: input)
    }
}
