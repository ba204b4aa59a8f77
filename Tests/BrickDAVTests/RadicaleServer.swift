import BrickTestSupport
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A Radicale server (Debian's `radicale`) on a free port of 127.0.0.1 with its
/// collections in a throwaway directory and plain htpasswd users, started for one
/// test and stopped when released.
final class RadicaleServer: @unchecked Sendable {
    let port: Int
    let directory: URL
    private let pid: pid_t

    /// True when Radicale is installed (tools/setup-debian installs it).
    static var isAvailable: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/radicale") }

    /// Starts Radicale with `users` (name → password) and waits until it answers.
    init(users: [String: String]) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("brick-radicale-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let (probe, free) = try LoopbackListener.open()
        close(probe)
        port = free
        let users = users.map { "\($0.key):\($0.value)\n" }.joined()
        try users.write(to: directory.appendingPathComponent("users"), atomically: true, encoding: .utf8)
        let config = """
            [server]
            hosts = 127.0.0.1:\(port)
            max_content_length = 100000000
            [auth]
            type = htpasswd
            htpasswd_filename = \(directory.path)/users
            htpasswd_encryption = plain
            [storage]
            filesystem_folder = \(directory.path)/collections
            [logging]
            level = warning
            """
        try config.write(to: directory.appendingPathComponent("config"), atomically: true, encoding: .utf8)
        let output = try ChildProcess.run(
            "/bin/sh", ["-c", "radicale --config \(directory.path)/config >\(directory.path)/log 2>&1 & echo $!"])
        guard let started = pid_t(output.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw ChildProcess.Failure(message: "radicale did not start: \(output)")
        }
        pid = started
        try waitUntilListening()
    }

    deinit {
        kill(pid, SIGTERM)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        try? FileManager.default.removeItem(at: directory)
    }

    /// The server's base URL.
    var url: String { "http://127.0.0.1:\(port)/" }

    /// Readiness, not timing: polls the port until Radicale accepts a connection
    /// (it fails after 30 s of refusals, when Radicale did not come up at all).
    private func waitUntilListening() throws {
        for _ in 0..<300 {
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            close(descriptor)
            if connected == 0 { return }
            usleep(100_000)
        }
        let log = (try? String(contentsOf: directory.appendingPathComponent("log"), encoding: .utf8)) ?? ""
        throw ChildProcess.Failure(message: "radicale did not listen on \(port): \(log)")
    }
}
