import BerkeleyDB
import Foundation

/// One Berkeley DB environment handle per store directory per process.
///
/// Berkeley DB's `DB_REGISTER` allows one environment handle per process, so a
/// reader and a writer of the same user inside one process (a test, or a restore run
/// from the backup process) must share it. Handles are kept while some store uses them.
enum SharedEnvironment {
    private final class Entry {
        weak var environment: Environment?
        init(_ environment: Environment) { self.environment = environment }
    }

    private nonisolated(unsafe) static var entries: [String: Entry] = [:]
    private static let lock = NSLock()

    /// The open environment for `home`, opening it when no store in this process has it.
    /// Where `home` cannot be written (a read-only mount, a snapshot) the environment is
    /// opened read-only: private to this process, no log, nothing written
    /// (docs/DESIGN.md, "Read-only media"). A `reader` whose shared open fails for want
    /// of space or on an I/O error falls back to the same (not kept for others); a
    /// writer's such failure is `writeFailed`.
    static func open(home: URL, user: String, reader: Bool) throws(StoreError) -> Environment {
        lock.lock()
        defer { lock.unlock() }
        if let existing = entries[home.path]?.environment { return existing }
        // Forget the handles of stores closed since: a night of many users must not
        // keep one entry per user.
        entries = entries.filter { $0.value.environment != nil }
        do {
            let environment = try Environment(
                home: home.path, dataDirectory: "..", cacheMegabytes: 16, readOnly: !Environment.isWritable(home.path))
            entries[home.path] = Entry(environment)
            makePrivate(home)
            return environment
        } catch {
            if reader, [ENOSPC, EDQUOT, EIO].contains(error.code),
               let environment = try? Environment(home: home.path, dataDirectory: "..", cacheMegabytes: 16, readOnly: true) {
                return environment
            }
            // The environment opens on a store's first value, in the middle of a run: a
            // full or failing disk then is the same one-line `writeFailed` as a write.
            if !reader, let code = UserStore.storageErrno(error) {
                throw .writeFailed(user: user, path: home.deletingLastPathComponent().path, writing: "env/ (the log and regions)", errno: code)
            }
            throw .blobStore(user: user, underlying: error)
        }
    }

    /// The homes this process still has an entry for (open, or closed since the last open).
    static var keptHomes: [String] {
        lock.lock()
        defer { lock.unlock() }
        return Array(entries.keys)
    }

    /// Berkeley DB creates some files (`__db.register`) with the process umask: make
    /// every file of the environment 0600.
    private static func makePrivate(_ home: URL) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: home.path) else { return }
        for name in names { chmod(home.appendingPathComponent(name).path, 0o600) }
    }
}
