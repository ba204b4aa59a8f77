import BrickTestSupport
import Foundation
import Testing

/// A throwaway IMAP server from tools/ (Dovecot or Cyrus), started for one test and
/// stopped by pid when the value goes away.
final class IMAPServerFixture {
    /// Which server, and the script in tools/ that runs it.
    enum Server: String {
        case dovecot = "dovecot-test-server"
        case cyrus = "cyrus-test-server"

        /// The server's daemon binaries, any of which shows it is installed.
        var binaries: [String] {
            switch self {
            case .dovecot: return ["/usr/sbin/dovecot"]
            case .cyrus: return ["/opt/cyrus-imapd/bin/imapd", "/usr/lib/cyrus/bin/imapd"]
            }
        }
    }

    let server: Server
    let directory: URL
    let imapPort: Int
    let values: [String: String]
    let adminPasswordFile: URL

    /// True when the tests of `server` must run: it is installed or CI is set (then a
    /// missing server fails the test rather than skipping it).
    static func available(_ server: Server) -> Bool {
        server.binaries.contains { FileManager.default.isExecutableFile(atPath: $0) } || ProcessInfo.processInfo.environment["CI"] == "true"
    }

    init(_ server: Server) throws {
        self.server = server
        // Short: Cyrus's socket paths have a length limit.
        directory = URL(fileURLWithPath: "/tmp/brick-e2e-\(UUID().uuidString.prefix(8))")
        let output = try ChildProcess.run("/bin/bash", [Self.script(server), "start", directory.path])
        var values: [String: String] = [:]
        for line in output.split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1).map(String.init)
            if parts.count == 2 { values[parts[0]] = parts[1] }
        }
        guard let port = values["IMAP_PORT"].flatMap(Int.init) else {
            throw ChildProcess.Failure(message: "\(server.rawValue) said: \(output)")
        }
        imapPort = port
        self.values = values
        // Names the test in the log the stop keeps (tools/dovecot-test-server).
        try? Data("\(Test.current.map { String(describing: $0.id) } ?? "no test")\n".utf8)
            .write(to: directory.appendingPathComponent("test-name"))
        adminPasswordFile = directory.appendingPathComponent("admin-password")
        try Data("pass-admin\n".utf8).write(to: adminPasswordFile)
        // Refused unless private, as ssh refuses a private key others can read.
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: adminPasswordFile.path)
    }

    deinit {
        _ = try? ChildProcess.run("/bin/bash", [Self.script(server), "stop", directory.path])
        try? FileManager.default.removeItem(at: directory)
    }

    private static func script(_ server: Server) -> String {
        Tools.packageRoot.appendingPathComponent("tools/\(server.rawValue)").path
    }

    var url: String { "imap://127.0.0.1:\(imapPort)" }

    /// The arguments that log in as the master (Dovecot) or admin (Cyrus) user, acting
    /// for each user.
    var adminArguments: [String] { ["--tls", "never", "--admin-user", "backup-admin", "--password-file", adminPasswordFile.path] }

    /// Runs doveadm against this server (Dovecot only).
    @discardableResult
    func doveadm(_ arguments: [String], input: Data? = nil) throws -> String {
        guard let configFile = values["DOVECOT_CONF"] else { throw ChildProcess.Failure(message: "doveadm needs a Dovecot") }
        return try ChildProcess.run("/usr/bin/doveadm", ["-c", configFile] + arguments, input: input)
    }
}
