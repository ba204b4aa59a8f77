import BrickCore
@testable import BrickStore
import Foundation
import Testing

/// A period filter over recurring events goes by the series' real first and last
/// occurrence: EXDATEs, BYSETPOS and moved overrides included, as a backup stores them.
@Suite struct RecurringPeriodFilterTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/dav")

    func keys(_ store: UserStore, from begin: String, to end: String) throws -> [String] {
        let formatter = ISO8601DateFormatter()
        var query = ItemQuery()
        query.periodBegin = formatter.date(from: begin)
        query.periodEnd = formatter.date(from: end)
        return try store.items(matching: query).map(\.key.rawValue).sorted()
    }

    @Test func aSeriesIsNotSelectedForAPeriodAfterItsLastRealOccurrenceOrBeforeItsFirst() throws {
        let dir = TemporaryDirectory()
        let store = try openStore(dir.url)
        let run = try store.beginRun(kind: "backup", at: Date(timeIntervalSince1970: 1_770_000_000))
        let calendar = try store.ensureFolder(FolderPath(["Calendars", "Work"]), dav: DAVFolderInfo(href: "/alice/work/", properties: "{}"), run: run).folder
        var items: [SourceItem] = []
        for name in ["bysetpos-exdate-vtimezone.ics", "override-moves-last-earlier.ics", "allday-yearly-exdate-rdate.ics"] {
            items.append(makeItem(name, raw: Array(try Data(contentsOf: Self.fixtures.appendingPathComponent(name)))))
        }
        _ = try store.commit(ChangeBatch(added: items), to: calendar, run: run)
        try store.finishRun(run, totals: RunTotals(), status: "ok")

        // Last weekday of the month, Jan–Jun 2026, the first and the last excluded: 27 Feb to 29 May.
        let monthEnd = "bysetpos-exdate-vtimezone.ics"
        #expect(try keys(store, from: "2026-05-29T15:30:00Z", to: "2026-05-30T00:00:00Z").contains(monthEnd))
        #expect(try !keys(store, from: "2026-06-01T00:00:00Z", to: "2026-07-31T00:00:00Z").contains(monthEnd))
        #expect(try !keys(store, from: "2026-01-25T00:00:00Z", to: "2026-02-27T15:00:00Z").contains(monthEnd))
        // Weekly, its first occurrence moved from 8 to 10 January, its last from 29 to 27 January.
        let choir = "override-moves-last-earlier.ics"
        #expect(try keys(store, from: "2026-01-27T09:30:00Z", to: "2026-01-27T12:00:00Z").contains(choir))
        #expect(try !keys(store, from: "2026-01-28T00:00:00Z", to: "2026-01-31T00:00:00Z").contains(choir))
        #expect(try !keys(store, from: "2026-01-08T00:00:00Z", to: "2026-01-10T09:00:00Z").contains(choir))
        // Yearly all-day, 2026–2028 and an RDATE in April 2028; 25 March 2029 excluded.
        let fair = "allday-yearly-exdate-rdate.ics"
        #expect(try keys(store, from: "2028-04-02T12:00:00Z", to: "2028-04-05T00:00:00Z") == [fair])
        #expect(try !keys(store, from: "2029-03-01T00:00:00Z", to: "2029-04-01T00:00:00Z").contains(fair))
    }
}
