import CBerkeleyDB
import Foundation

/// How an environment is opened, recovered and removed (docs/DESIGN.md, "Faults from
/// the disk").
///
/// `DB_REGISTER | DB_RECOVER` runs recovery only when a process that had the
/// environment open died. It does not when the regions are missing or marked as
/// panicked after a failed write: then the regions are removed and recovery is run
/// explicitly, by one open without `DB_REGISTER` (safe: nobody can use panicked or
/// missing regions), before the normal open. Opens of one store are serialized by an
/// exclusive `flock` on the `env/` directory, so two processes never recover at once.
extension Environment {
    static func open(home: String, dataDirectory: String?, cacheMegabytes: UInt32, readOnly: Bool) throws(BerkeleyDBError) -> UnsafeMutablePointer<DB_ENV> {
        if readOnly { return try attempt(home: home, dataDirectory: dataDirectory, cacheMegabytes: cacheMegabytes, mode: .readOnly) }
        let lock = Glibc.open(home, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if lock >= 0 { flock(lock, LOCK_EX) }
        defer { if lock >= 0 { Glibc.close(lock) } }
        let regionsExist = FileManager.default.fileExists(atPath: home + "/__db.001")
        if regionsExist {
            do {
                return try attempt(home: home, dataDirectory: dataDirectory, cacheMegabytes: cacheMegabytes, mode: .shared)
            } catch where [ENOSPC, EDQUOT, EIO, EACCES, EROFS].contains(error.code) {
                throw error
            } catch {
                // Panicked, or gone from shared memory: recover below.
            }
        }
        // No regions after a clean close: open as it is. Recovery would find nothing to
        // do, yet it zero-fills the rest of the log file, writing megabytes per store on
        // every open.
        if !regionsExist && unlink(home + "/" + cleanCloseMarker) == 0 {
            return try attempt(home: home, dataDirectory: dataDirectory, cacheMegabytes: cacheMegabytes, mode: .shared)
        }
        // No regions and no clean close (they were lost) or unusable ones (panicked,
        // or gone from shared memory after a reboot): recover.
        removeRegions(home, force: true)
        let recovering = try attempt(home: home, dataDirectory: dataDirectory, cacheMegabytes: cacheMegabytes, mode: .recovery)
        _ = recovering.pointee.close(recovering, 0)
        return try attempt(home: home, dataDirectory: dataDirectory, cacheMegabytes: cacheMegabytes, mode: .shared)
    }

    /// How one `DB_ENV->open` is made.
    enum OpenMode {
        /// Private to the process, cache only: for media that cannot be written.
        case readOnly
        /// The shared, registered environment every process uses.
        case shared
        /// Recovery, run alone before the shared open.
        case recovery
    }

    private static func attempt(home: String, dataDirectory: String?, cacheMegabytes: UInt32, mode: OpenMode) throws(BerkeleyDBError) -> UnsafeMutablePointer<DB_ENV> {
        var env: UnsafeMutablePointer<DB_ENV>?
        try check("db_env_create") { db_env_create(&env, 0) }
        guard let env else { throw BerkeleyDBError(function: "db_env_create", code: ENOMEM, file: home) }
        env.pointee.set_errcall(env, LibraryMessages.callback)
        do {
            if let dataDirectory {
                try check("DB_ENV->set_data_dir", file: dataDirectory) { env.pointee.set_data_dir(env, dataDirectory) }
            }
            try configureRegions(env, cacheMegabytes: cacheMegabytes)
            var flags = UInt32(DB_CREATE | DB_PRIVATE | DB_INIT_MPOOL | DB_THREAD)
            if mode != .readOnly {
                try check("DB_ENV->set_shm_key", file: home) { env.pointee.set_shm_key(env, sharedMemoryKey(home)) }
                try check("DB_ENV->set_lk_detect") { env.pointee.set_lk_detect(env, UInt32(DB_LOCK_DEFAULT)) }
                try check("DB_ENV->log_set_config") { env.pointee.log_set_config(env, UInt32(DB_LOG_AUTO_REMOVE), 1) }
                try check("DB_ENV->set_lg_max") { env.pointee.set_lg_max(env, 4 * 1024 * 1024) }
                flags = UInt32(DB_CREATE | DB_SYSTEM_MEM | DB_INIT_TXN | DB_INIT_LOCK | DB_INIT_LOG | DB_INIT_MPOOL
                    | DB_THREAD | DB_RECOVER)
                if mode == .shared { flags |= UInt32(DB_REGISTER) }
            }
            try check("DB_ENV->open", file: home) { env.pointee.open(env, home, flags, 0o600) }
        } catch {
            _ = env.pointee.close(env, 0)
            throw error
        }
        return env
    }

    /// Sizes every region explicitly: shared memory cannot grow once created, and the
    /// defaults derive from the file system's block size (1 KiB pages on a small ext4
    /// gave "unable to allocate memory for mutex" for one 8 MB value). Enough mutexes
    /// for a cache of 1 KiB pages (old files keep their page size) and enough locks for
    /// one transaction over a large value, and a 1 MiB log buffer. Files are never
    /// memory-mapped for reading (an I/O error on a mapped file would be SIGBUS too).
    private static func configureRegions(_ env: UnsafeMutablePointer<DB_ENV>, cacheMegabytes: UInt32) throws(BerkeleyDBError) {
        try check("DB_ENV->set_cachesize") { env.pointee.set_cachesize(env, 0, cacheMegabytes * 1024 * 1024, 1) }
        try check("DB_ENV->mutex_set_max") { env.pointee.mutex_set_max(env, cacheMegabytes * 1024 + 8192) }
        try check("DB_ENV->set_lk_max_locks") { env.pointee.set_lk_max_locks(env, 5_000) }
        try check("DB_ENV->set_lk_max_objects") { env.pointee.set_lk_max_objects(env, 5_000) }
        try check("DB_ENV->set_lk_max_lockers") { env.pointee.set_lk_max_lockers(env, 1_000) }
        try check("DB_ENV->set_mp_mmapsize") { env.pointee.set_mp_mmapsize(env, 0) }
        try check("DB_ENV->set_lg_bsize") { env.pointee.set_lg_bsize(env, logBufferSize) }
    }

    /// The log buffer in the log region: 1 MiB instead of the default 32 KiB, so a large
    /// value's log record is written in 1 MiB writes rather than 32 KiB ones (less
    /// system CPU on heavy mail: docs/BENCHMARKS.md, "Full backup at the write limit").
    /// Only a newly created environment takes it; it may be at most a quarter of the
    /// log file size (`set_lg_max`, 4 MiB).
    static let logBufferSize: UInt32 = 1024 * 1024

    /// The System V key of the environment's regions: derived from the directory's
    /// device and inode, so every process opening the same store (by any path) finds
    /// the same regions and two stores do not meet. Berkeley DB uses a few consecutive
    /// keys from it, hence the spacing of 16.
    static func sharedMemoryKey(_ home: String) -> Int {
        var info = stat()
        guard stat(home, &info) == 0 else { return 0x2000_0000 }
        var mixed = (UInt64(info.st_dev) &* 0x9E37_79B9_7F4A_7C15) ^ UInt64(info.st_ino)
        mixed ^= mixed >> 29
        mixed = mixed &* 0xBF58_476D_1CE4_E5B9
        mixed ^= mixed >> 32
        return 0x2000_0000 + Int(mixed % 0x00FF_FFFF) * 16
    }

    /// The file a close leaves in the environment's directory when every page reached
    /// the disk and the regions are gone: the next open needs no recovery. Opening
    /// removes it (under the `flock`), so a process that dies later leaves none.
    static let cleanCloseMarker = "clean-close"

    /// Removes the regions when no process has the environment open any more and marks
    /// the close as clean; call only after every page was flushed.
    static func removeRegionsAfterCleanClose(_ home: String) {
        let lock = Glibc.open(home, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if lock >= 0 { flock(lock, LOCK_EX) }
        defer { if lock >= 0 { Glibc.close(lock) } }
        removeRegions(home, force: false)
        guard !FileManager.default.fileExists(atPath: home + "/__db.001") else { return }
        let marker = Glibc.open(home + "/" + cleanCloseMarker, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o600)
        if marker >= 0 { Glibc.close(marker) }
    }

    /// Removes the region files and shared memory of the environment in `home`; unless
    /// `force`, only when no process has it open.
    static func removeRegions(_ home: String, force: Bool) {
        var env: UnsafeMutablePointer<DB_ENV>?
        guard db_env_create(&env, 0) == 0, let env else { return }
        env.pointee.set_errcall(env, LibraryMessages.callback)
        _ = env.pointee.remove(env, home, force ? UInt32(DB_FORCE) : 0)
        LibraryMessages.clear()
    }
}
