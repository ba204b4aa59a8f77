import BrickCore
import Foundation

/// A search across many user stores: each store's catalog is queried on its own
/// (`jobs` at a time, through `PlainCatalogSearch` where it can), the users' hits are
/// handed over in the order of `stores` as soon as that user and those before are
/// done, and the search stops once `limit` hits were handed over: the same hits,
/// in the same order, whatever `jobs` is.
public struct SiteSearch: Sendable {
    /// A store that could not be searched.
    public struct Failure: Sendable, Error {
        /// Whose store.
        public var user: String
        /// Why.
        public var error: StoreError
    }

    /// `(user, store directory)` pairs, in the order their hits are handed over.
    public var stores: [(user: String, directory: URL)]
    /// What to select in each store (its `limit` is ignored: see `limit`).
    public var query: ItemQuery
    /// How many stores are searched at once.
    public var jobs: Int
    /// At most this many hits in all.
    public var limit: Int?

    /// A search of `stores`.
    public init(stores: [(user: String, directory: URL)], query: ItemQuery, jobs: Int, limit: Int?) {
        self.stores = stores
        self.query = query
        self.jobs = max(1, jobs)
        self.limit = limit
    }

    /// Runs the search. `hits` is called with one user's hits at a time, never
    /// concurrently, in the order of `stores`; returns the stores that failed. At most
    /// `16 × jobs` users' hits wait for a slower store before them.
    public func run(_ hits: @escaping (String, [CatalogItem]) -> Void) -> [Failure] {
        let state = SearchState(count: stores.count, window: 16 * jobs, remaining: limit ?? Int.max, hits: hits)
        let stores = self.stores
        let query = self.query
        DispatchQueue.concurrentPerform(iterations: min(jobs, max(1, stores.count))) { _ in
            while let index = state.nextStore() {
                let (user, directory) = stores[index]
                var userQuery = query
                userQuery.limit = state.remainingNow == Int.max ? nil : state.remainingNow
                do throws(StoreError) {
                    state.finish(index, user: user, .found(try Self.items(in: directory, user: user, matching: userQuery)))
                } catch .folderNotFound {
                    // A user without the folder asked for has no hits in it.
                    state.finish(index, user: user, .found([]))
                } catch {
                    state.finish(index, user: user, .failed(Failure(user: user, error: error)))
                }
            }
        }
        return state.failures.sorted { $0.user < $1.user }
    }

    /// The items `query` selects in the store in `directory`: through a plain read-only
    /// connection, or through `StoreCatalog` for a catalog that needs it.
    static func items(in directory: URL, user: String, matching query: ItemQuery) throws(StoreError) -> [CatalogItem] {
        var found: [CatalogItem] = []
        if try PlainCatalogSearch.forEachItem(directory: directory, user: user, matching: query, { found.append($0) }) {
            return found
        }
        try StoreCatalog(directory: directory, user: user).forEachItem(matching: query) { found.append($0) }
        return found
    }
}

/// The shared state of one search's workers: which store is next, and the finished
/// stores waiting for those before them.
private final class SearchState: @unchecked Sendable {
    enum Outcome {
        case found([CatalogItem])
        case failed(SiteSearch.Failure)
    }

    private let condition = NSCondition()
    private let count: Int
    private let window: Int
    private var next = 0
    private var delivered = 0
    private var waiting: [Int: (user: String, outcome: Outcome)] = [:]
    private var remaining: Int
    private var failed: [SiteSearch.Failure] = []
    /// Called only with `condition` locked, so never concurrently.
    private let hits: (String, [CatalogItem]) -> Void

    init(count: Int, window: Int, remaining: Int, hits: @escaping (String, [CatalogItem]) -> Void) {
        self.count = count
        self.window = window
        self.remaining = remaining
        self.hits = hits
    }

    var remainingNow: Int { condition.withLock { remaining } }

    var failures: [SiteSearch.Failure] { condition.withLock { failed } }

    /// The next store to search, or nil when all are taken or the limit is reached;
    /// waits while `window` finished stores wait for an earlier one.
    func nextStore() -> Int? {
        condition.withLock {
            while next - delivered >= window && remaining > 0 { condition.wait() }
            guard next < count, remaining > 0 else { return nil }
            next += 1
            return next - 1
        }
    }

    /// Records the outcome of store `index` and hands over every outcome now in order.
    func finish(_ index: Int, user: String, _ outcome: Outcome) {
        condition.withLock {
            waiting[index] = (user, outcome)
            while let (user, outcome) = waiting.removeValue(forKey: delivered) {
                delivered += 1
                switch outcome {
                case .found(let found):
                    let taken = Array(found.prefix(remaining))
                    remaining -= taken.count
                    if !taken.isEmpty { hits(user, taken) }
                case .failed(let failure):
                    failed.append(failure)
                }
            }
            condition.broadcast()
        }
    }
}
