import Foundation
import GRDB

/// The format check of a catalog at open (docs/FORMAT.md §5): one read of
/// `meta.format_version` when the store is of the code's format, the migrator only
/// when it is older (or has no `meta` table yet).
enum CatalogFormat {
    /// What a store's open reads from its catalog besides the format.
    struct Identity: Equatable {
        /// `meta.user`, nil before the first writer recorded it.
        var user: String?
        /// `meta.sealed_key_id`, nil for a plain store not yet recorded.
        var sealedKeyID: String?
        /// `meta.catalog_text`: "sealed" when the catalog's text columns are sealed.
        var catalogText: String?
        /// Whether a folder move was left unfinished (`pending_moves` has rows).
        var hasPendingMoves: Bool
    }

    /// The recorded format version, nil when the catalog has no `meta` table or no
    /// version row (a new or empty file).
    static func recordedVersion(_ db: GRDB.Database) throws -> Int? {
        guard try db.tableExists("meta") else { return nil }
        return try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'format_version'").flatMap(Int.init)
    }

    /// The store's identity rows, in one statement; call on a catalog of the current format.
    static func recordedIdentity(_ db: GRDB.Database) throws -> Identity {
        var identity = Identity(hasPendingMoves: false)
        let rows = try Row.fetchAll(db, sql: """
            SELECT key, value FROM meta WHERE key IN ('user', 'sealed_key_id', 'catalog_text')
            UNION ALL SELECT 'pending', '' FROM (SELECT 1 FROM pending_moves LIMIT 1)
            """)
        for row in rows {
            switch row[0] as String {
            case "user": identity.user = row[1]
            case "sealed_key_id": identity.sealedKeyID = row[1]
            case "catalog_text": identity.catalogText = row[1]
            default: identity.hasPendingMoves = true
            }
        }
        return identity
    }

    /// Whether the catalog is of this code's format, read with one statement: then
    /// nothing else needs checking (each migration writes its version, so the version
    /// names the last one applied). Any failure (no `meta` yet) answers false.
    static func isCurrent(_ reader: some DatabaseReader) -> Bool {
        let version = try? reader.read { db in
            try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'format_version'").flatMap(Int.init)
        }
        return version == CatalogSchema.formatVersion
    }

    /// Refuses stores of a newer format; migrates older ones. A reader migrates only
    /// when no writer holds the store (taking the lock for the migration). A store of
    /// the current format costs one read.
    static func check(_ catalog: any DatabaseWriter, layout: StoreLayout, user: String, migrate: Bool) throws(StoreError) {
        if isCurrent(catalog) { return }
        do {
            let migrator = CatalogSchema.migrator
            let (superseded, version) = try catalog.read { db -> (Bool, Int?) in
                (try migrator.hasBeenSuperseded(db), try recordedVersion(db))
            }
            if let version, version > CatalogSchema.formatVersion {
                throw StoreError.formatTooNew(user: user, found: version, supported: CatalogSchema.formatVersion)
            }
            if superseded {
                throw StoreError.formatTooNew(user: user, found: version ?? -1, supported: CatalogSchema.formatVersion)
            }
            if migrate {
                try migrator.migrate(catalog)
            } else if try catalog.read({ try !migrator.hasCompletedMigrations($0) }) {
                try migrateAsReader(layout: layout, user: user, migrator: migrator)
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw .catalog(user: user, underlying: error)
        }
    }

    /// Migrates an older catalog for a reader, under the writer lock so no backup
    /// writes meanwhile.
    private static func migrateAsReader(layout: StoreLayout, user: String, migrator: DatabaseMigrator) throws {
        let lock: WriterLock
        do {
            lock = try WriterLock(url: layout.lock, user: user)
        } catch {
            guard case .locked = error else {
                throw StoreError.corrupt(user: user, detail: "catalog is from an older version; open it once with write access to migrate it")
            }
            throw StoreError.corrupt(user: user, detail: "catalog is from an older version and a backup holds the store; retry when it is done")
        }
        try migrator.migrate(DatabasePool(path: layout.catalog.path))
        withExtendedLifetime(lock) {}
    }
}
