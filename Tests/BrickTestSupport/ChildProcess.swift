import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs helper programs for tests (the Dovecot test server script, doveadm).
///
/// Foundation's Process is avoided: Dovecot's master daemonizes, a pipe it inherits
/// never reaches end of file, and a test runner's blocked signals would make Dovecot
/// ignore SIGTERM. So: posix_spawn with every signal at its default, inherited
/// descriptors above 2 closed, output in temporary files, and waitpid.
public enum ChildProcess {
    /// A program that exited non-zero, with what it wrote to standard error.
    public struct Failure: Error, CustomStringConvertible {
        public var message: String
        public var description: String { message }

        /// Creates a failure with a message.
        public init(message: String) { self.message = message }
    }

    /// Runs `executable` with `arguments` and `input` on standard input; returns its
    /// standard output, or throws `Failure` when it exits non-zero.
    @discardableResult
    public static func run(_ executable: String, _ arguments: [String], input: Data? = nil) throws -> String {
        let base = NSTemporaryDirectory() + "brick-child-\(UUID().uuidString)"
        defer { for suffix in [".out", ".err", ".in"] { try? FileManager.default.removeItem(atPath: base + suffix) } }
        _ = FileManager.default.createFile(atPath: base + ".in", contents: input ?? Data())
        let shell = """
            for fd in /proc/$$/fd/*; do n=${fd##*/}; if [ "$n" -gt 2 ]; then eval "exec $n>&-" 2>/dev/null; fi; done
            exec "$0" "$@" >\(base).out 2>\(base).err <\(base).in
            """
        let argv = ["/bin/bash", "-c", shell, executable] + arguments
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
        let spawned = posix_spawn(&pid, "/bin/bash", nil, &attributes, &cArguments, environ)
        guard spawned == 0 else { throw Failure(message: "posix_spawn \(executable) failed: \(spawned)") }
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
