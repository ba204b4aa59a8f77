import BrickCore
@testable import BrickStore
import Foundation
import GRDB
import Testing

/// The period filter: mail on its received (or sent) date, dated calendar items on the
/// span they cover, written so that SQLite searches the date indexes.
@Suite struct PeriodFilterTests {
    /// The filter as format 9 first wrote it, one CASE expression per bound: the
    /// reference the index-friendly form must agree with.
    static func caseExpression(begin: Int64?, end: Int64?, dateColumn: String) -> (String, [Int64]) {
        let dated = "i.kind IS NOT NULL AND i.sent_at IS NOT NULL"
        var conditions = ["1"]
        var arguments: [Int64] = []
        if let begin {
            conditions.append("""
                (CASE WHEN \(dated) THEN (i.sent_at >= ? OR COALESCE(i.ends_at, CASE WHEN i.open_ended = 1 \
                THEN 9223372036854775807 ELSE i.sent_at END) > ?) ELSE \(dateColumn) >= ? END)
                """)
            arguments += [begin, begin, begin]
        }
        if let end {
            conditions.append("(CASE WHEN \(dated) THEN i.sent_at < ? ELSE \(dateColumn) < ? END)")
            arguments += [end, end]
        }
        return (conditions.joined(separator: " AND "), arguments)
    }

    static let bounds: [Int64?] = [
        nil, 1_736_000_000, 1_738_400_000, 1_740_000_000, 1_741_000_000, 1_741_600_000, 1_743_500_000, 1_745_000_001, 1_800_000_000,
    ]

    @Test func theIndexedFormSelectsWhatTheCaseExpressionSelected() throws {
        let dir = TemporaryDirectory()
        try PlainCatalogSearchTests().fill(dir.url)
        let alice = dir.url.appendingPathComponent("alice")
        let catalog = try DatabaseQueue(path: alice.appendingPathComponent("catalog.sqlite").path)
        var compared = 0
        for field in ItemQuery.DateField.allCases {
            for begin in Self.bounds {
                for end in Self.bounds where begin != nil || end != nil {
                    var query = ItemQuery()
                    query.deleted = .yes
                    query.dateField = field
                    query.periodBegin = begin.map { Date(timeIntervalSince1970: TimeInterval($0)) }
                    query.periodEnd = end.map { Date(timeIntervalSince1970: TimeInterval($0)) }
                    let (condition, arguments) = Self.caseExpression(begin: begin, end: end, dateColumn: field == .received ? "i.received_at" : "i.sent_at")
                    let expected = try catalog.read { db in
                        try String.fetchAll(db, sql: "SELECT i.key FROM items i WHERE \(condition) ORDER BY i.key", arguments: StatementArguments(arguments))
                    }
                    var selected: [String] = []
                    try StoreCatalog(directory: alice).forEachItem(matching: query) { selected.append($0.key.rawValue) }
                    #expect(selected.sorted() == expected, "\(field) \(String(describing: begin)) – \(String(describing: end))")
                    compared += expected.isEmpty ? 0 : 1
                }
            }
        }
        #expect(compared > 100)
    }

    @Test(arguments: ItemQuery.DateField.allCases)
    func aPeriodSearchesTheDateIndexesInsteadOfScanningItems(field: ItemQuery.DateField) throws {
        let dir = TemporaryDirectory()
        try PlainCatalogSearchTests().fill(dir.url)
        let catalog = try DatabaseQueue(path: dir.url.appendingPathComponent("alice/catalog.sqlite").path)
        for (begin, end) in [(Date?(Date(timeIntervalSince1970: 1_741_000_000)), Date?(Date(timeIntervalSince1970: 1_743_500_000))),
                             (Date(timeIntervalSince1970: 1_741_000_000), nil), (nil, Date(timeIntervalSince1970: 1_743_500_000))] {
            var query = ItemQuery()
            query.dateField = field
            query.periodBegin = begin
            query.periodEnd = end
            let plan = try catalog.read { db -> [String] in
                let (sql, arguments) = try ItemQuerySQL.select(query, db: db, user: "alice", text: .clear(user: "alice"))
                return try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: arguments).map { $0["detail"] as String }
            }
            let column = field == .received ? "items_received" : "items_sent"
            #expect(plan.contains("MULTI-INDEX OR"), "\(plan)")
            #expect(plan.contains { $0.hasPrefix("SEARCH i USING INDEX \(column) ") }, "\(plan)")
            #expect(!plan.contains { $0.hasPrefix("SCAN i") }, "\(plan)")
        }
    }
}
