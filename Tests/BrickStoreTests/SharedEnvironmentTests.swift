@testable import BrickStore
import Foundation
import Testing

/// The process keeps an environment handle per store only while a store uses it.
@Suite struct SharedEnvironmentTests {
    @Test func environmentsOfClosedStoresAreForgottenAtTheNextOpen() throws {
        let dir = TemporaryDirectory()
        for user in ["u1", "u2", "u3", "u4"] {
            let store = try UserStore(layout: StoreLayout(root: dir.url, user: user), user: user, mode: .readWrite)
            withExtendedLifetime(store) {}
        }
        let kept = SharedEnvironment.keptHomes.filter { $0.hasPrefix(dir.url.standardizedFileURL.path) }
        #expect(kept.count <= 1, "kept: \(kept)")
    }
}
