@testable import BrickIMAP
import BrickTestSupport
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

    /// Starts a server in a new temporary directory; `capability` replaces what it
    /// announces after login; `noStartTLS` turns TLS off, so STARTTLS is not offered;
    /// `test` names the test in the server's kept log.
    static func start(
        capability: String? = nil, noStartTLS: Bool = false, test: String? = Test.current.map { String(describing: $0.id) }
    ) throws -> DovecotServer {
        let directory = URL(fileURLWithPath: "/tmp/brick-imap-test-\(UUID().uuidString)")
        let options = (capability.map { ["--capability", $0] } ?? []) + (noStartTLS ? ["--no-starttls"] : [])
        let output = try run(["start", directory.path] + options)
        var values: [String: String] = [:]
        for line in output.split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1).map(String.init)
            if parts.count == 2 { values[parts[0]] = parts[1] }
        }
        guard let imap = values["IMAP_PORT"].flatMap(Int.init), let imaps = values["IMAPS_PORT"].flatMap(Int.init),
              let ca = values["CA_FILE"], let mail = values["MAIL_DIR"], let conf = values["DOVECOT_CONF"]
        else { throw ServerError(message: "unexpected output: \(output)") }
        // Names the test in the log the stop keeps (tools/dovecot-test-server).
        try? Data("\(test ?? "no test")\n".utf8)
            .write(to: directory.appendingPathComponent("test-name"))
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
    /// The read timeout is generous: the whole suite runs at once, and on a small busy
    /// machine a loaded Dovecot (a failed login's delay included) can take tens of seconds.
    func endpoint(tls: IMAPEndpoint.TLSMode = .startTLS, caFile: String? = nil, insecure: Bool = false) -> IMAPEndpoint {
        IMAPEndpoint(host: "127.0.0.1", port: tls == .implicit ? imapsPort : imapPort, tls: tls,
                     caFile: caFile ?? self.caFile, insecure: insecure, connectTimeout: 10, readTimeout: 120)
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

    private static func execute(_ executable: String, _ arguments: [String]) throws -> String {
        try ChildProcess.run(executable, arguments)
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

/// A server a test starts and must stop, whatever happens.
protocol TestServer: Sendable {
    func stop()
    /// The server's own log, if it keeps one: shown when the test fails.
    var logFile: URL? { get }
}

extension TestServer {
    var logFile: URL? { nil }
}

extension DovecotServer: TestServer {
    var logFile: URL? { directory.appendingPathComponent("log/dovecot.log") }
}

/// Runs `body` with a server `start` gives and always stops it; when `body` throws,
/// the last lines of the server's log go to standard error first, so that a failure
/// such as a connection the server closed can be told from a client's fault. Start
/// and stop run off the concurrency pool (`offThePool`).
func withServer<Server: TestServer, T>(
    _ start: @escaping @Sendable () throws -> Server, _ body: (Server) async throws -> T
) async throws -> T {
    let server = try await offThePool(start)
    do {
        let result = try await body(server)
        try await offThePool { server.stop() }
        return result
    } catch {
        printLogTail(of: server, after: error)
        try? await offThePool { server.stop() }
        throw error
    }
}

/// Runs `work`, which blocks its thread (a child process and the wait for it), on a
/// thread of its own instead of one of the Swift concurrency pool's. The pool has one
/// thread per core: a few tests starting or stopping servers at once (seconds each on
/// a loaded machine) would stall every other test's tasks meanwhile, so that a client
/// that got its answer does not send its next command for longer than its read
/// timeout, or than a server waits.
func offThePool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try work() }) }.start()
    }
}

/// Writes the last 80 lines of `server`'s log to standard error, naming the test and
/// the error it failed with.
func printLogTail(of server: some TestServer, after error: any Error) {
    guard let file = server.logFile, let text = try? String(contentsOf: file, encoding: .utf8) else { return }
    let test = Test.current.map { String(describing: $0.id) } ?? "a test"
    let tail = text.split(separator: "\n", omittingEmptySubsequences: false).suffix(80).joined(separator: "\n")
    FileHandle.standardError.write(Data("\(test) failed (\(error)); the end of \(file.path):\n\(tail)\n".utf8))
}

/// Runs `body` with a fresh Dovecot and always stops it.
func withDovecot<T>(capability: String? = nil, noStartTLS: Bool = false, _ body: (DovecotServer) async throws -> T) async throws -> T {
    let test = Test.current.map { String(describing: $0.id) }
    return try await withServer({ try DovecotServer.start(capability: capability, noStartTLS: noStartTLS, test: test) }, body)
}
