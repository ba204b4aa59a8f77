import Foundation
import GRDB

/// A bundle applied to a replica (docs/FORMAT.md §4, `replica_bundles`).
public struct AppliedBundle: Sendable, Hashable {
    /// Its sequence number.
    public var sequence: UInt64
    /// `full`, `incremental` or `consolidated`.
    public var kind: String
    /// Its digest.
    public var digest: [UInt8]
    /// Its parent's digest, empty when it has none.
    public var parentDigest: [UInt8]
    /// The last primary run it covers.
    public var toRun: RunID

    /// Describes a bundle.
    public init(sequence: UInt64, kind: String, digest: [UInt8], parentDigest: [UInt8], toRun: RunID) {
        self.sequence = sequence
        self.kind = kind
        self.digest = digest
        self.parentDigest = parentDigest
        self.toRun = toRun
    }

    init(row: Row) {
        sequence = UInt64(row["sequence"] as Int64)
        kind = row["kind"]
        digest = [UInt8](row["digest"] as Data)
        parentDigest = (row["parent_digest"] as Data?).map { [UInt8]($0) } ?? []
        toRun = row["to_run"]
    }
}

/// A replica: an ordinary store that off-site bundles of a primary are applied to
/// (docs/DESIGN.md, "Off-site copies").
extension UserStore {
    /// The primary's store id this store is a replica of, nil when it is none.
    public func replicaOf() throws(StoreError) -> String? {
        try readCatalog { db in try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'replica_of'") }
    }

    /// The last bundle applied, nil when none was.
    public func lastAppliedBundle() throws(StoreError) -> AppliedBundle? {
        try readCatalog { db in
            try Row.fetchOne(db, sql: "SELECT * FROM replica_bundles ORDER BY sequence DESC LIMIT 1").map(AppliedBundle.init(row:))
        }
    }

    /// The applied bundle with this sequence number, if any.
    public func appliedBundle(sequence: UInt64) throws(StoreError) -> AppliedBundle? {
        try readCatalog { db in
            try Row.fetchOne(db, sql: "SELECT * FROM replica_bundles WHERE sequence = ?", arguments: [Int64(sequence)])
                .map(AppliedBundle.init(row:))
        }
    }

    /// Applies one bundle with the store's commit order: `body` feeds its records to the
    /// writer, whose values go to Berkeley DB in batches while its rows wait in one
    /// SQLite transaction; `body` calls `ReplicaWriter.finish` once the bundle's digest
    /// is checked, and only then is that transaction committed. A throw anywhere leaves
    /// the catalog as it was (values already written are orphans a rerun overwrites).
    /// After the commit, item files of moved folders follow them and the values and
    /// files of purged rows go.
    public func applyBundle(full: Bool, keepPurged: Bool, _ body: (ReplicaWriter) throws -> Void) throws {
        guard isWritable else { throw StoreError.readOnly(user: user) }
        try writePendingRunNow()
        mutex.lock()
        defer { mutex.unlock() }
        let outcome: ReplicaWriter.Outcome
        do {
            outcome = try catalog.write { db in
                try db.execute(sql: "PRAGMA defer_foreign_keys = ON")
                let writer = ReplicaWriter(store: self, db: db, full: full, keepPurged: keepPurged)
                try body(writer)
                return try writer.committedOutcome()
            }
        } catch let error as DatabaseError {
            throw catalogFailure(error)
        }
        try relocateImportedFolders(outcome.moved)
        try rewritePathFiles(outcome.folders)
        try removeValues(of: outcome.lostRows, droppingFiles: outcome.removed)
        try withBlobs { try environment.checkpoint() }
    }
}
