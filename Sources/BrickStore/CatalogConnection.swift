import BerkeleyDB
import Foundation
import GRDB

/// How a user store opens its catalog (docs/DESIGN.md, "The store"): a writer holds
/// the store's lock and is its only writing process, so it needs one connection, not
/// GRDB's pool of a writer and readers, each of which parses the schema when it opens.
enum CatalogConnection {
    /// How many pages a writer's WAL grows to before SQLite copies them into the
    /// database file (16 MiB of 4 KiB pages; SQLite's default is 1,000). The hot pages
    /// of the item indexes are in every batch's transaction, so each checkpoint writes
    /// them again: at 4,000 pages a full backup writes a half to a third of what it did
    /// to the database file (docs/BENCHMARKS.md, "The catalog's checkpoints").
    static let walAutocheckpointPages = 4000

    /// Opens the catalog of `layout` for `mode`: a writer gets one connection in WAL
    /// mode with `synchronous = NORMAL` (what GRDB's pool sets, without the empty write
    /// the pool makes so that its own readers find a `-wal` file), checkpointed every
    /// `walAutocheckpointPages`; a reader gets a read-only pool, `immutable` on media
    /// this process cannot write, and on a file system with no space left under a
    /// `FullDiskReadHold`, which the caller keeps as long as the pool.
    static func open(_ layout: StoreLayout, mode: UserStore.Mode) throws -> (catalog: any DatabaseWriter, hold: FullDiskReadHold?) {
        switch mode {
        case .readOnly:
            let (pool, hold) = try openReader(layout) { try DatabasePool(path: $0, configuration: StoreCatalog.readOnlyConfiguration) }
            return (pool, hold)
        case .readWrite:
            let path = layout.catalog.path
            var configuration = Configuration()
            configuration.busyMode = .timeout(30)
            configuration.prepareDatabase { db in
                let journalMode = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL")
                guard journalMode == "wal" else {
                    throw DatabaseError(message: "could not set WAL mode on \(path)")
                }
                try db.execute(sql: "PRAGMA synchronous = NORMAL")
                try db.execute(sql: "PRAGMA wal_autocheckpoint = \(walAutocheckpointPages)")
            }
            return (try DatabaseQueue(path: path, configuration: configuration), nil)
        }
    }

    /// Opens a reader's connection through `open`, given the path: `readerPath`, and when
    /// that fails on a file system with (nearly) no space left, the `immutable` path under
    /// a `FullDiskReadHold`, which the caller keeps as long as the connection. `open` must
    /// read the schema, so that a failure to create SQLite's index shows here and not at
    /// the first query (GRDB's queues and pools do as they open).
    static func openReader<Connection>(
        _ layout: StoreLayout, _ open: (String) throws -> Connection
    ) throws -> (connection: Connection, hold: FullDiskReadHold?) {
        do {
            return (try open(readerPath(layout)), nil)
        } catch where FullDiskReadHold.isNearlyFull(layout) {
            guard let hold = FullDiskReadHold.take(layout) else {
                throw CatalogOpenError.noSpaceForReader(path: layout.catalog.path + "-shm")
            }
            return (try open(immutablePath(layout)), hold)
        }
    }

    /// Where a reader opens the catalog. On media this process cannot write (a read-only
    /// mount, a snapshot) it opens it `immutable`: SQLite then needs no `-shm` file,
    /// which it could not create there (docs/DESIGN.md, "Read-only media"). The search
    /// across users opens catalogs the same way (`StoreCatalog`, `PlainCatalogSearch`);
    /// the path is then a URI, which the opener must allow (`SQLITE_OPEN_URI`).
    static func readerPath(_ layout: StoreLayout) -> String {
        guard !Environment.isWritable(layout.userDirectory.path) else { return layout.catalog.path }
        return immutablePath(layout)
    }

    /// The catalog as a URI that SQLite opens `immutable`.
    private static func immutablePath(_ layout: StoreLayout) -> String {
        let escaped = layout.catalog.path.replacingOccurrences(of: "%", with: "%25")
            .replacingOccurrences(of: "?", with: "%3f").replacingOccurrences(of: "#", with: "%23")
        return "file:\(escaped)?immutable=1"
    }
}

/// Why a reader could not open a catalog, beyond SQLite's own errors.
enum CatalogOpenError: Error, CustomStringConvertible {
    /// The file system is full and the catalog cannot be read without the
    /// shared-memory index: its WAL holds commits, or a writer is running.
    case noSpaceForReader(path: String)

    var description: String {
        switch self {
        case .noSpaceForReader(let path):
            "no space left to create \(path), which a reader needs while the catalog's WAL holds commits or a writer runs; free some space"
        }
    }
}
