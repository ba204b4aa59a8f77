import BrickCore
@testable import BrickStore
import Foundation
import GRDB
import Testing

/// Whole rows from a bundle written through one prepared statement per table: a row
/// whose columns differ from the statement's still lands whole.
@Suite struct ReplicaRowUpsertTests {
    @Test func argumentsFollowTheStatementsColumnOrder() {
        let row: CatalogRow = ["kind": .text("backup"), "id": .integer(3), "errors": .null]
        let arguments = ReplicaWriter.arguments(of: row, in: ["errors", "id", "kind"])
        #expect(arguments == StatementArguments([DatabaseValue.null, 3.databaseValue, "backup".databaseValue]))
    }

    @Test func aRowLackingAColumnOfTheStatementHasNoArguments() {
        let row: CatalogRow = ["id": .integer(3), "status": .text("ok")]
        #expect(ReplicaWriter.arguments(of: row, in: ["id", "kind"]) == nil)
    }

    @Test func rowsWithOtherColumnsThanTheFirstAreStoredWhole() throws {
        let dir = TemporaryDirectory()
        let replica = try openStore(dir.url.appendingPathComponent("replica"))
        let first: CatalogRow = ["id": .integer(1), "kind": .text("backup"), "started_at": .integer(10), "status": .text("ok"), "items_added": .integer(5)]
        // Same number of columns, one of them another.
        let second: CatalogRow = ["id": .integer(2), "kind": .text("backup"), "started_at": .integer(20), "status": .text("ok"), "errors": .text("one")]
        let third: CatalogRow = ["id": .integer(3), "kind": .text("purge"), "started_at": .integer(30), "status": .text("ok"), "items_added": .integer(7)]
        try replica.applyBundle(full: true, keepPurged: false) { writer in
            for row in [first, second, third] { try writer.run(row) }
            try writer.finish(
                AppliedBundle(sequence: 1, kind: "full", digest: Array(repeating: 1, count: 32), parentDigest: [], toRun: 3),
                primaryStoreID: "primary")
        }
        let runs = try replica.readCatalog { db in
            try Row.fetchAll(db, sql: "SELECT id, kind, items_added, errors FROM runs ORDER BY id")
                .map { "\($0["id"] as Int64) \($0["kind"] as String) \($0["items_added"] as Int64) \(($0["errors"] as String?) ?? "-")" }
        }
        #expect(runs == ["1 backup 5 -", "2 backup 0 one", "3 purge 7 -"])
    }
}
