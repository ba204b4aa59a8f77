import Foundation

/// A throwaway CalDAV/CardDAV server for one test, started with the tools/ scripts on
/// 127.0.0.1 and stopped by its pid: Radicale (tools/dav-test-server), Cyrus's
/// httpd (tools/cyrus-test-server, with cyrus-caldav installed) or Xandikos
/// (tools/xandikos-test-server, one user a server, no authentication). Test users
/// alice, bob, carol and dave have the password `pass-<user>`.
public struct DAVTestServer: Sendable {
    /// Which server.
    public enum Kind: String, Sendable, CaseIterable {
        /// Radicale 3, the standalone server.
        case radicale
        /// Cyrus IMAP 3.6's httpd with `httpmodules: caldav carddav`.
        case cyrus
        /// Xandikos, the Git-backed standalone server: one user (`alice` unless
        /// started for another), any password.
        case xandikos
    }

    /// Why a server could not be started or asked.
    public struct ServerError: Error, CustomStringConvertible {
        /// What went wrong.
        public var description: String
    }

    /// Which server this is.
    public let kind: Kind
    /// Its directory (config, storage, pid file).
    public let directory: URL
    /// The server's DAV root, ending in `/`: `http://127.0.0.1:PORT/` (Radicale,
    /// Xandikos) or `http://127.0.0.1:PORT/dav/` (Cyrus).
    public let baseURL: String
    /// Cyrus only: the DAV root of the second httpd, which honours `Authorize-As` from
    /// the admin `backup-admin` (`pass-admin`); nil for Radicale.
    public let proxyURL: String?

    /// True when the tests must run: the server is installed, or CI demands it (then
    /// a missing server fails the tests instead of skipping them).
    public static func shouldRun(_ kind: Kind) -> Bool {
        let installed: Bool
        switch kind {
        case .radicale: installed = FileManager.default.fileExists(atPath: "/usr/lib/python3/dist-packages/radicale")
        case .cyrus:
            installed = FileManager.default.isExecutableFile(atPath: "/usr/lib/cyrus/bin/httpd")
                && ["/opt/cyrus-imapd/bin/imapd", "/usr/lib/cyrus/bin/imapd"].contains { FileManager.default.isExecutableFile(atPath: $0) }
        case .xandikos: installed = FileManager.default.isExecutableFile(atPath: "/usr/bin/xandikos")
        }
        return installed || ProcessInfo.processInfo.environment["CI"] == "true"
    }

    private static func script(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("tools/\(name)").path
    }

    private static func scriptName(_ kind: Kind) -> String {
        switch kind {
        case .radicale: "dav-test-server"
        case .cyrus: "cyrus-test-server"
        case .xandikos: "xandikos-test-server"
        }
    }

    private var scriptPath: String { Self.script(Self.scriptName(kind)) }

    /// Starts a server of `kind` in a new temporary directory (short: Cyrus's socket
    /// paths are); a Xandikos serves `user` (the others serve all test users).
    public static func start(_ kind: Kind, user: String = "alice") throws -> DAVTestServer {
        let directory = URL(fileURLWithPath: "/tmp/brick-dav-\(UUID().uuidString.prefix(8))")
        let name = scriptName(kind)
        let output = try ChildProcess.run("/bin/bash", [script(name), "start", directory.path] + (kind == .xandikos ? ["--user", user] : []))
        func value(_ name: String) -> String? {
            output.split(separator: "\n").lazy.compactMap { line -> String? in
                line.hasPrefix(name + "=") ? String(line.dropFirst(name.count + 1)) : nil
            }.first
        }
        guard let url = value("DAV_URL") else { throw ServerError(description: "\(name) printed no DAV_URL: \(output)") }
        return DAVTestServer(kind: kind, directory: directory, baseURL: url, proxyURL: value("DAV_PROXY_URL"))
    }

    /// Stops the server by its pid and removes its directory.
    public func stop() {
        _ = try? ChildProcess.run("/bin/bash", [scriptPath, "stop", directory.path])
        try? FileManager.default.removeItem(at: directory)
    }

    /// The URL of `user`'s calendar that exists from the start.
    public func calendarURL(_ user: String) -> String {
        switch kind {
        case .radicale: "\(baseURL)\(user)/calendar/"
        case .cyrus: "\(baseURL)calendars/user/\(user)/Default/"
        case .xandikos: "\(baseURL)\(user)/calendars/calendar/"
        }
    }

    /// The URL of `user`'s address book that exists from the start.
    public func addressBookURL(_ user: String) -> String {
        switch kind {
        case .radicale: "\(baseURL)\(user)/contacts/"
        case .cyrus: "\(baseURL)addressbooks/user/\(user)/Default/"
        case .xandikos: "\(baseURL)\(user)/contacts/addressbook/"
        }
    }

    /// The password of a test user.
    public static func password(_ user: String) -> String { "pass-\(user)" }

    /// Sends `method` to `url` as `user` with curl (body `bytes`, extra `headers`);
    /// the status code and the response body.
    public func request(
        _ method: String, _ url: String, user: String, body bytes: [UInt8]? = nil, headers: [String] = []
    ) throws -> (status: Int, body: [UInt8]) {
        let base = NSTemporaryDirectory() + "brick-dav-\(UUID().uuidString)"
        defer { for suffix in [".in", ".out"] { try? FileManager.default.removeItem(atPath: base + suffix) } }
        var arguments = ["-s", "-o", base + ".out", "-w", "%{http_code}", "-X", method, "-u", "\(user):\(Self.password(user))"]
        for header in headers { arguments += ["-H", header] }
        if let bytes {
            FileManager.default.createFile(atPath: base + ".in", contents: Data(bytes))
            arguments += ["--data-binary", "@" + base + ".in"]
        }
        let code = try ChildProcess.run("/usr/bin/curl", arguments + [url])
        guard let status = Int(code.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw ServerError(description: "curl \(method) \(url) printed \(code)")
        }
        let body = (try? Data(contentsOf: URL(fileURLWithPath: base + ".out"))).map { Array($0) } ?? []
        return (status, body)
    }
}

/// Runs `body` with a fresh server of `kind` (a Xandikos for `user`) and always stops it.
public func withDAVServer<T>(
    _ kind: DAVTestServer.Kind, user: String = "alice", _ body: (DAVTestServer) async throws -> T
) async throws -> T {
    let server = try DAVTestServer.start(kind, user: user)
    do {
        let result = try await body(server)
        server.stop()
        return result
    } catch {
        server.stop()
        throw error
    }
}
