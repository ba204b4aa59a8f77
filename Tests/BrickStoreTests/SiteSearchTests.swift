import BrickCore
@testable import BrickStore
import Foundation
import Testing

/// The search across many stores: hits in user order whatever the number of workers,
/// and no store taken once `limit` hits were handed over.
@Suite struct SiteSearchTests {
    /// Stores of `count` users, `user00` … under `root`, two messages each.
    func stores(_ root: URL, count: Int) throws -> [(user: String, directory: URL)] {
        var stores: [(user: String, directory: URL)] = []
        for index in 0..<count {
            let user = String(format: "user%02d", index)
            let store = try openStore(root, user: user)
            let run = try store.beginRun(kind: "backup", at: Date(timeIntervalSince1970: 1_700_000_000))
            let inbox = try store.ensureFolder(.inbox, run: run).folder
            _ = try store.commit(ChangeBatch(added: [
                makeItem("a", received: 1_700_000_000, raw: makeMessage(from: "carol@example.com", subject: "First of \(user)")),
                makeItem("b", received: 1_700_000_100, raw: makeMessage(from: "carol@example.com", subject: "Second of \(user)")),
            ]), to: inbox, run: run)
            try store.finishRun(run, totals: RunTotals(), status: "ok")
            stores.append((user, root.appendingPathComponent(user)))
        }
        return stores
    }

    func run(_ search: SiteSearch) -> (hits: [String], failures: [String]) {
        var hits: [String] = []
        let failures = search.run { user, items in hits += items.map { "\(user)|\($0.subject ?? "")" } }
        return (hits, failures.map(\.user))
    }

    @Test func hitsComeInUserOrderWhateverTheNumberOfWorkers() throws {
        let dir = TemporaryDirectory()
        let all = try stores(dir.url, count: 12)
        var query = ItemQuery()
        query.sender = "carol@example.com"
        let one = run(SiteSearch(stores: all, query: query, jobs: 1, limit: nil))
        #expect(one.hits.count == 24 && one.failures.isEmpty)
        #expect(one.hits == all.flatMap { ["\($0.user)|First of \($0.user)", "\($0.user)|Second of \($0.user)"] })
        for jobs in [2, 4, 7] {
            #expect(run(SiteSearch(stores: all, query: query, jobs: jobs, limit: nil)).hits == one.hits, "-j \(jobs)")
            #expect(run(SiteSearch(stores: all, query: query, jobs: jobs, limit: 5)).hits == Array(one.hits.prefix(5)), "-j \(jobs)")
        }
    }

    @Test func aLimitReachedStopsTakingStores() throws {
        let dir = TemporaryDirectory()
        var all = try stores(dir.url, count: 6)
        // A last store that cannot be read: searching it would be a failure.
        let broken = dir.url.appendingPathComponent("zz-broken")
        try FileManager.default.createDirectory(at: broken, withIntermediateDirectories: true)
        try Data("not a catalog".utf8).write(to: broken.appendingPathComponent("catalog.sqlite"))
        all.append(("zz-broken", broken))
        let unlimited = run(SiteSearch(stores: all, query: ItemQuery(), jobs: 1, limit: nil))
        #expect(unlimited.hits.count == 12 && unlimited.failures == ["zz-broken"])
        let limited = run(SiteSearch(stores: all, query: ItemQuery(), jobs: 1, limit: 3))
        #expect(limited.hits == ["user00|First of user00", "user00|Second of user00", "user01|First of user01"])
        #expect(limited.failures.isEmpty)
    }
}
