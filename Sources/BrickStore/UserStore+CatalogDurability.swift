import Foundation

#if canImport(Glibc)
import Glibc
#endif

extension UserStore {
    /// Makes every committed catalog transaction durable: syncs the catalog's WAL and
    /// the directory that holds it. The writer runs SQLite with `synchronous = NORMAL`,
    /// which syncs the WAL only at checkpoints, so a power cut can take back the last
    /// transactions; values deleted on their word (rows removed, then the values without
    /// rows) would then leave rows whose values are gone. Call before such a deletion,
    /// with `mutex` held and the catalog pipeline empty. A missing WAL means the
    /// database file, synced at its last checkpoint, holds everything.
    func syncCatalog() throws(StoreError) {
        let wal = layout.catalog.path + "-wal"
        let descriptor = open(wal, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            if errno == ENOENT { return }
            throw FileSystem.failure(user: user, path: wal, operation: "open", errno: errno)
        }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw FileSystem.failure(user: user, path: wal, operation: "fsync", errno: errno) }
        FileSystem.syncDirectory(layout.userDirectory)
    }
}
