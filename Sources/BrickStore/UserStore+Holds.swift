import Foundation
import GRDB

extension UserStore {
    /// Places a hold; the change is a run of kind `hold` in the run history.
    public func addHold(_ hold: LegalHold) throws(StoreError) -> LegalHold {
        let run = try beginRun(kind: "hold", source: "add: \(hold.scope); reason: \(hold.reason)"
            + (hold.until.map { "; until \(Int64($0.timeIntervalSince1970))" } ?? ""))
        var placed = hold
        placed.since = Date(timeIntervalSince1970: TimeInterval(run.time))
        let senderIndex = try holdSenderIndex(hold.sender)
        placed.id = try withCatalog { db in
            try db.execute(
                sql: """
                    INSERT INTO holds(reason, sender, sender_mac, period_begin, period_end, until_at, added_run, added_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [hold.reason, hold.sender, senderIndex, hold.periodBegin.map(Self.seconds), hold.periodEnd.map(Self.seconds),
                            hold.until.map(Self.seconds), run.id, run.time])
            return db.lastInsertedRowID
        }
        try finishRun(run, totals: RunTotals(), status: "ok")
        return placed
    }

    /// Removes the active holds with `ids` (all active ones when nil); returns those
    /// removed. The change is a run of kind `hold` in the run history.
    public func removeHolds(ids: [Int64]?, reason: String?) throws(StoreError) -> [LegalHold] {
        let doomed = try holds().filter { $0.removedAt == nil && (ids?.contains($0.id) ?? true) }
        guard !doomed.isEmpty else { return [] }
        let run = try beginRun(kind: "hold", source: "remove: "
            + doomed.map { "hold \($0.id) (\($0.scope); reason: \($0.reason))" }.joined(separator: ", ")
            + (reason.map { "; why: \($0)" } ?? ""))
        try withCatalog { db in
            for hold in doomed {
                try db.execute(sql: "UPDATE holds SET removed_run = ?, removed_at = ? WHERE id = ?", arguments: [run.id, run.time, hold.id])
            }
        }
        try finishRun(run, totals: RunTotals(), status: "ok")
        return doomed
    }

    /// Every hold, removed ones too, oldest first.
    public func holds() throws(StoreError) -> [LegalHold] {
        try readCatalog { db in
            try Row.fetchAll(db, sql: "SELECT * FROM holds ORDER BY id").map { row in
                var hold = LegalHold(
                    reason: row["reason"], sender: row["sender"], periodBegin: Row.date(row, "period_begin"),
                    periodEnd: Row.date(row, "period_end"), until: Row.date(row, "until_at"))
                hold.id = row["id"]
                hold.since = Row.date(row, "added_at") ?? Date(timeIntervalSince1970: 0)
                hold.removedAt = Row.date(row, "removed_at")
                return hold
            }
        }
    }

    /// SQL true for an item row of `table` (a table name or alias) that a hold active
    /// at `now` covers. A hold on a sender covers a contact by any of its addresses
    /// (or their domains), as `--sender` finds it; where the catalog text is sealed
    /// those addresses cannot be read without the key, so a hold on a sender keeps
    /// every contact there (more kept, never less).
    static func heldSQL(_ table: String, now: Int64) -> String {
        """
        EXISTS (SELECT 1 FROM holds lh WHERE lh.removed_run IS NULL AND (lh.until_at IS NULL OR lh.until_at > \(now))
            AND (lh.sender IS NULL OR lh.sender = \(table).from_addr
                OR (substr(lh.sender, 1, 1) = '@' AND substr(lh.sender, 2) = \(table).from_domain)
                OR lh.sender_mac = \(table).from_addr_mac OR lh.sender_mac = \(table).from_domain_mac
                OR (\(table).kind = 'contact' AND (\(table).sealed_text IS NOT NULL
                    OR instr(', ' || lower(COALESCE(\(table).to_addrs, '')) || ', ',
                        CASE WHEN substr(lh.sender, 1, 1) = '@' THEN lh.sender || ', ' ELSE ', ' || lh.sender || ', ' END) > 0)))
            AND (lh.period_begin IS NULL OR \(table).received_at >= lh.period_begin)
            AND (lh.period_end IS NULL OR \(table).received_at < lh.period_end))
        """
    }

    /// SQL true for an item row of `table` that a purge with `cutoff` removes: marked
    /// deleted before it and under no active hold.
    static func purgeableSQL(_ table: String, cutoff: Int64, now: Int64) -> String {
        "(\(table).deleted_run IS NOT NULL AND \(table).deleted_at < \(cutoff) AND NOT \(heldSQL(table, now: now)))"
    }

    private static func seconds(_ date: Date) -> Int64 { Int64(date.timeIntervalSince1970.rounded(.down)) }
}
