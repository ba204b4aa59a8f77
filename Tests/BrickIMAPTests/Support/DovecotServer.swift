@testable import BrickIMAP
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Logging
import Testing

/// A throwaway Dovecot started with tools/dovecot-test-server for one test.
struct DovecotServer: Sendable {
    let directory: URL
    let imapPort: Int
    let imapsPort: Int
    let caFile: String
    let mailDirectory: String
    let configFile: String

    /// True when integration tests must run: Dovecot is installed, or CI demands it
    /// (then a missing Dovecot fails the tests instead of skipping them).
    static var shouldRun: Bool {
        isInstalled || ProcessInfo.processInfo.environment["CI"] == "true"
    }

    static var isInstalled: Bool {
        ["/usr/sbin/dovecot", "/usr/bin/dovecot", "/usr/local/sbin/dovecot"].contains {
            FileManager.default.isExecutableFile(atPath: $0)
        }
    }

    private static var script: URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("tools/dovecot-test-server")
    }

    /// Starts a server in a new temporary directory.
    static func start() throws -> DovecotServer {
        let directory = URL(fileURLWithPath: "/tmp/brick-imap-test-\(UUID().uuidString)")
        let output = try run(["start", directory.path])
        var values: [String: String] = [:]
        for line in output.split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1).map(String.init)
            if parts.count == 2 { values[parts[0]] = parts[1] }
        }
        guard let imap = values["IMAP_PORT"].flatMap(Int.init), let imaps = values["IMAPS_PORT"].flatMap(Int.init),
              let ca = values["CA_FILE"], let mail = values["MAIL_DIR"], let conf = values["DOVECOT_CONF"]
        else { throw ServerError(message: "unexpected output: \(output)") }
        return DovecotServer(directory: directory, imapPort: imap, imapsPort: imaps, caFile: ca, mailDirectory: mail, configFile: conf)
    }

    /// Stops the server by its pid and removes its directory.
    func stop() {
        _ = try? Self.run(["stop", directory.path])
        try? FileManager.default.removeItem(at: directory)
    }

    /// Restarts the server on the same ports, keeping its mail.
    func restart() throws {
        _ = try Self.run(["restart", directory.path])
    }

    /// Runs `doveadm` against this server.
    @discardableResult
    func doveadm(_ arguments: [String]) throws -> String {
        try Self.execute("/usr/bin/doveadm", ["-c", configFile] + arguments)
    }

    /// The plain-IMAP endpoint (STARTTLS verified with the test CA unless `tls` says otherwise).
    func endpoint(tls: IMAPEndpoint.TLSMode = .startTLS, caFile: String? = nil, insecure: Bool = false) -> IMAPEndpoint {
        IMAPEndpoint(host: "127.0.0.1", port: tls == .implicit ? imapsPort : imapPort, tls: tls,
                     caFile: caFile ?? self.caFile, insecure: insecure, connectTimeout: 10, readTimeout: 30)
    }

    /// A logged-in connection for a test user.
    func connect(_ user: String, tls: IMAPEndpoint.TLSMode = .never) async throws -> IMAPConnection {
        let connection = try await IMAPConnection.connect(to: endpoint(tls: tls), logger: testLogger)
        try await connection.authenticate(IMAPCredentials(user: user, password: "pass-\(user)"))
        return connection
    }

    private static func run(_ arguments: [String]) throws -> String {
        try execute("/bin/bash", [script.path] + arguments)
    }

    /// Runs a program through posix_spawn with output in temporary files and waits
    /// with waitpid. Foundation's Process is avoided: Dovecot's master daemonizes,
    /// and waiting through Process can hang on the descendants it leaves running.
    private static func execute(_ executable: String, _ arguments: [String]) throws -> String {
        let base = NSTemporaryDirectory() + "brick-imap-\(UUID().uuidString)"
        defer {
            try? FileManager.default.removeItem(atPath: base + ".out")
            try? FileManager.default.removeItem(atPath: base + ".err")
        }
        // Close every inherited descriptor above 2 first: a daemonized Dovecot must not
        // keep the test runner's pipes or other tests' sockets open.
        let shell = """
            for fd in /proc/$$/fd/*; do n=${fd##*/}; if [ "$n" -gt 2 ]; then eval "exec $n>&-" 2>/dev/null; fi; done
            exec "$0" "$@" >\(base).out 2>\(base).err </dev/null
            """
        let argv = ["/bin/bash", "-c", shell, executable] + arguments
        var cArguments = argv.map { strdup($0) } + [nil]
        defer { for pointer in cArguments { free(pointer) } }
        // The test runner may block or ignore signals; Dovecot must see SIGTERM.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, "/bin/bash", nil, &attributes, &cArguments, environ)
        guard spawned == 0 else { throw ServerError(message: "posix_spawn failed: \(spawned)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let output = (try? String(contentsOfFile: base + ".out", encoding: .utf8)) ?? ""
        guard status == 0 else {
            let errors = (try? String(contentsOfFile: base + ".err", encoding: .utf8)) ?? ""
            throw ServerError(message: "\(executable) \(arguments) failed (\(status)): \(errors)")
        }
        return output
    }

    struct ServerError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }
}

/// A logger for tests: warnings and worse only.
let testLogger: Logger = {
    var logger = Logger(label: "brick.imap.tests")
    logger.logLevel = ProcessInfo.processInfo.environment["BRICK_IMAP_TEST_TRACE"] == nil ? .warning : .trace
    return logger
}()

/// Runs `body` with a fresh server and always stops it.
func withDovecot<T>(_ body: (DovecotServer) async throws -> T) async throws -> T {
    let server = try DovecotServer.start()
    do {
        let result = try await body(server)
        server.stop()
        return result
    } catch {
        server.stop()
        throw error
    }
}
