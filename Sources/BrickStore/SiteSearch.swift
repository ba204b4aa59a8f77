import BrickCore
import Foundation

/// A search across many user stores: each store's catalog is queried on its own
/// (`jobs` at a time), each user's hits are handed over together as soon as that user
/// is done, and the search stops once `limit` hits were handed over.
public struct SiteSearch: Sendable {
    /// A store that could not be searched.
    public struct Failure: Sendable, Error {
        /// Whose store.
        public var user: String
        /// Why.
        public var error: StoreError
    }

    /// `(user, store directory)` pairs, searched in this order when `jobs` is 1.
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
    /// concurrently; returns the stores that failed.
    public func run(_ hits: @escaping (String, [CatalogItem]) -> Void) -> [Failure] {
        let state = SearchState(remaining: limit ?? Int.max, hits: hits)
        let stores = self.stores
        let query = self.query
        DispatchQueue.concurrentPerform(iterations: min(jobs, max(1, stores.count))) { _ in
            while let index = state.nextStore(of: stores.count) {
                let (user, directory) = stores[index]
                var userQuery = query
                userQuery.limit = state.remainingNow == Int.max ? nil : state.remainingNow
                do throws(StoreError) {
                    var found: [CatalogItem] = []
                    try StoreCatalog(directory: directory, user: user).forEachItem(matching: userQuery) { found.append($0) }
                    state.deliver(user: user, found)
                } catch .folderNotFound {
                    // A user without the folder asked for has no hits in it.
                    continue
                } catch {
                    state.fail(Failure(user: user, error: error))
                }
            }
        }
        return state.failures.sorted { $0.user < $1.user }
    }
}

/// The shared state of one search's workers.
private final class SearchState: @unchecked Sendable {
    private let lock = NSLock()
    private var next = 0
    private var remaining: Int
    private(set) var failures: [SiteSearch.Failure] = []
    /// Called only with `lock` held, so never concurrently.
    private let hits: (String, [CatalogItem]) -> Void

    init(remaining: Int, hits: @escaping (String, [CatalogItem]) -> Void) {
        self.remaining = remaining
        self.hits = hits
    }

    var remainingNow: Int { lock.withLock { remaining } }

    /// The next store to search, or nil when all are taken or the limit is reached.
    func nextStore(of count: Int) -> Int? {
        lock.withLock {
            guard next < count, remaining > 0 else { return nil }
            next += 1
            return next - 1
        }
    }

    func deliver(user: String, _ found: [CatalogItem]) {
        lock.withLock {
            let taken = Array(found.prefix(remaining))
            remaining -= taken.count
            if !taken.isEmpty { hits(user, taken) }
        }
    }

    func fail(_ failure: SiteSearch.Failure) {
        lock.withLock { failures.append(failure) }
    }
}
