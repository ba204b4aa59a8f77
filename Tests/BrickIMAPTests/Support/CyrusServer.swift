@testable import BrickIMAP
import BrickTestSupport
import Foundation

/// A throwaway Cyrus IMAP started with tools/cyrus-test-server for one test: the
/// second server family Brick backs up, with OBJECTID (EMAILID, MAILBOXID) and
/// CREATE-SPECIAL-USE, which Dovecot 2.3 lacks.
struct CyrusServer: TestServer {
    let directory: URL
    let imapPort: Int

    /// True when the tests must run: Cyrus's imapd is there, or CI demands it (then a
    /// missing Cyrus fails the tests instead of skipping them).
    static var shouldRun: Bool {
        ["/opt/cyrus-imapd/bin/imapd", "/usr/lib/cyrus/bin/imapd"].contains { FileManager.default.isExecutableFile(atPath: $0) }
            || ProcessInfo.processInfo.environment["CI"] == "true"
    }

    private static var script: URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("tools/cyrus-test-server")
    }

    /// Starts a server in a new temporary directory (short: Cyrus's socket paths are).
    static func start() throws -> CyrusServer {
        let directory = URL(fileURLWithPath: "/tmp/brick-cyrus-\(UUID().uuidString.prefix(8))")
        let output = try ChildProcess.run("/bin/bash", [script.path, "start", directory.path])
        let port = output.split(separator: "\n").lazy.compactMap { line -> Int? in
            line.hasPrefix("IMAP_PORT=") ? Int(line.dropFirst("IMAP_PORT=".count)) : nil
        }.first
        guard let port else { throw DovecotServer.ServerError(message: "unexpected output: \(output)") }
        return CyrusServer(directory: directory, imapPort: port)
    }

    /// Stops the server by its pid and removes its directory.
    func stop() {
        _ = try? ChildProcess.run("/bin/bash", [Self.script.path, "stop", directory.path])
        try? FileManager.default.removeItem(at: directory)
    }

    /// The plain-IMAP endpoint, without TLS; the read timeout is generous, as for Dovecot.
    var endpoint: IMAPEndpoint {
        IMAPEndpoint(host: "127.0.0.1", port: imapPort, tls: .never, caFile: nil, insecure: false, connectTimeout: 10, readTimeout: 120)
    }

    /// The admin acting as `user` (SASL PLAIN with an authorization id).
    func adminCredentials(for user: String) -> IMAPCredentials {
        IMAPCredentials(user: user, password: "pass-admin", adminUser: "backup-admin")
    }

    /// A logged-in connection for a test user.
    func connect(_ user: String) async throws -> IMAPConnection {
        let connection = try await IMAPConnection.connect(to: endpoint, logger: testLogger)
        try await connection.authenticate(IMAPCredentials(user: user, password: "pass-\(user)"))
        return connection
    }
}

/// Runs `body` with a fresh Cyrus and always stops it.
func withCyrus<T>(_ body: (CyrusServer) async throws -> T) async throws -> T {
    try await withServer({ try CyrusServer.start() }, body)
}
