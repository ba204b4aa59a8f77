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
        let output = try Shell.run("/bin/bash", [Tools.packageRoot.appendingPathComponent("tools/dovecot-test-server").path, "start", directory.path])
        var values: [String: String] = [:]
        for line in output.split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1).map(String.init)
            if parts.count == 2 { values[parts[0]] = parts[1] }
        }
        guard let port = values["IMAP_PORT"].flatMap(Int.init), let conf = values["DOVECOT_CONF"] else {
            throw Shell.Failure(message: "dovecot-test-server said: \(output)")
        }
        imapPort = port
        configFile = conf
        adminPasswordFile = directory.appendingPathComponent("admin-password")
        try Data("pass-admin\n".utf8).write(to: adminPasswordFile)
    }

    deinit {
        _ = try? Shell.run("/bin/bash", [Tools.packageRoot.appendingPathComponent("tools/dovecot-test-server").path, "stop", directory.path])
        try? FileManager.default.removeItem(at: directory)
    }

    var url: String { "imap://127.0.0.1:\(imapPort)" }

    /// The arguments that log in as the master user, acting for each user.
    var adminArguments: [String] { ["--tls", "never", "--admin-user", "backup-admin", "--password-file", adminPasswordFile.path] }

    /// Runs doveadm against this server.
    @discardableResult
    func doveadm(_ arguments: [String], input: Data? = nil) throws -> String {
        try Shell.run("/usr/bin/doveadm", ["-c", configFile] + arguments, input: input)
    }
}

/// Runs helper programs with output in files: Dovecot's master daemonizes, and a
/// pipe it inherits would never reach end of file.
enum Shell {
    struct Failure: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    /// Runs a program through posix_spawn with all signals at their defaults and waits
    /// with waitpid; Foundation's Process can hang waiting on a daemonizing child.
    static func run(_ executable: String, _ arguments: [String], input: Data? = nil) throws -> String {
        let base = NSTemporaryDirectory() + "brick-shell-\(UUID().uuidString)"
        defer { for suffix in [".out", ".err", ".in"] { try? FileManager.default.removeItem(atPath: base + suffix) } }
        FileManager.default.createFile(atPath: base + ".in", contents: input ?? Data())
        let shell = "exec \"$0\" \"$@\" >\(base).out 2>\(base).err <\(base).in"
        let argv = ["/bin/sh", "-c", shell, executable] + arguments
        var cArguments = argv.map { strdup($0) } + [nil]
        defer { for pointer in cArguments { free(pointer) } }
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
        let spawned = posix_spawn(&pid, "/bin/sh", nil, &attributes, &cArguments, environ)
        guard spawned == 0 else { throw Failure(message: "posix_spawn failed: \(spawned)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let output = (try? String(contentsOfFile: base + ".out", encoding: .utf8)) ?? ""
        guard status == 0 else {
            let errors = (try? String(contentsOfFile: base + ".err", encoding: .utf8)) ?? ""
            throw Failure(message: "\(executable) \(arguments) failed (\(status)): \(errors)")
        }
        return output
    }
}
