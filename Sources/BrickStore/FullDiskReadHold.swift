import Foundation

/// A reader's hold on a store whose file system has no space left, so that it can read
/// the catalog `immutable`.
///
/// A reader of a catalog in WAL mode creates its shared-memory index
/// (`catalog.sqlite-shm`) and writes each of its pages so that they are allocated; with
/// not one block free that fails, and `verify`, `index` and restores would fail on the
/// very disk a backup filled. Opened `immutable`, as on read-only media, SQLite needs
/// no index, but it also reads the database file alone and trusts that nothing
/// changes it. Both hold here: the hold is taken only when the catalog's `-wal` file
/// is missing or empty (every commit is in the database file, as every writer's close
/// leaves it), and it is a shared `flock` on the writer lock's file, so no writer runs
/// while it is held (a writer that starts meanwhile is refused as `locked`; one
/// already running keeps the hold from being taken).
final class FullDiskReadHold: @unchecked Sendable {
    /// Free bytes below which a failed open is taken for a full file system. SQLite's
    /// index needs 32 KiB; above this limit the failure has another cause.
    static let nearlyFull: Int64 = 1 << 20

    private let fd: Int32

    private init(fd: Int32) {
        self.fd = fd
    }

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }

    /// Whether the file system of `layout`'s user directory has (nearly) no space left.
    static func isNearlyFull(_ layout: StoreLayout) -> Bool {
        var info = statvfs()
        guard statvfs(layout.userDirectory.path, &info) == 0 else { return false }
        return Int64(info.f_bavail) * Int64(info.f_frsize) < nearlyFull
    }

    /// The hold on `layout`'s store, or nil when an `immutable` read would not be safe:
    /// the `-wal` file holds commits, or a writer holds the lock.
    static func take(_ layout: StoreLayout) -> FullDiskReadHold? {
        var status = stat()
        let wal = layout.catalog.path + "-wal"
        if stat(wal, &status) == 0 && status.st_size > 0 { return nil }
        let fd = open(layout.lock.path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { return nil }
        guard flock(fd, LOCK_SH | LOCK_NB) == 0 else {
            close(fd)
            return nil
        }
        // A writer may have closed between the check and the lock, leaving a WAL behind.
        if stat(wal, &status) == 0 && status.st_size > 0 {
            flock(fd, LOCK_UN)
            close(fd)
            return nil
        }
        return FullDiskReadHold(fd: fd)
    }
}
