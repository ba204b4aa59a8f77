import BrickCore
@testable import BrickStore
import BrickTestSupport
import Foundation
import Testing

/// The search across users on read-only media (a snapshot, a read-only mount) and on a
/// disk with not one byte left: the catalogs open `immutable`, as a store reader's do,
/// instead of failing for want of a `-shm` file (docs/DESIGN.md "Read-only media"). A
/// mount, not `chmod`: the tests may run as root, whom a mode bit does not stop.
@Suite(.serialized, .enabled(if: ScratchMount.unavailableReason == nil, "\(ScratchMount.unavailableReason ?? "")"))
struct SiteSearchReadOnlyTests {
    @Test func storesOnAReadOnlyMountAreSearchedWithoutFailures() throws {
        try searchEveryStore { mount in
            try mount.remount(readOnly: true)
            return { try? mount.remount(readOnly: false) }
        }
    }

    @Test func storesOnADiskWithNoByteLeftAreSearchedWithoutFailures() throws {
        try searchEveryStore { mount in
            try mount.fill()
            return { mount.release() }
        }
    }

    /// Three stores on a tmpfs that `prepare` then makes read-only or full (returning
    /// what undoes it): the search across them and one `StoreCatalog` find every hit.
    private func searchEveryStore(after prepare: (ScratchMount) throws -> () -> Void) throws {
        let mount = try ScratchMount(.tmpfs(megabytes: 16))
        let all = try SiteSearchTests().stores(mount.url.appendingPathComponent("stores"), count: 3)
        var query = ItemQuery()
        query.sender = "carol@example.com"
        let undo = try prepare(mount)
        defer { undo() }
        let found = SiteSearchTests().run(SiteSearch(stores: all, query: query, jobs: 2, limit: nil))
        #expect(found.failures.isEmpty, "\(found.failures)")
        #expect(found.hits == all.flatMap { ["\($0.user)|First of \($0.user)", "\($0.user)|Second of \($0.user)"] })
        var subjects: [String] = []
        try StoreCatalog(directory: all[0].directory, user: all[0].user).forEachItem(matching: query) { subjects.append($0.subject ?? "") }
        #expect(subjects == ["First of user00", "Second of user00"])
    }
}
