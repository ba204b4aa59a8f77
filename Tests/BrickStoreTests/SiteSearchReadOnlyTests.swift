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
        let mount = try ScratchMount(.tmpfs(megabytes: 16))
        let root = mount.url.appendingPathComponent("stores")
        let all = try SiteSearchTests().stores(root, count: 3)
        var query = ItemQuery()
        query.sender = "carol@example.com"
        try mount.remount(readOnly: true)
        defer { try? mount.remount(readOnly: false) }
        let readOnly = SiteSearchTests().run(SiteSearch(stores: all, query: query, jobs: 2, limit: nil))
        #expect(readOnly.failures.isEmpty, "\(readOnly.failures)")
        #expect(readOnly.hits == all.flatMap { ["\($0.user)|First of \($0.user)", "\($0.user)|Second of \($0.user)"] })
        var subjects: [String] = []
        try StoreCatalog(directory: all[0].directory, user: all[0].user).forEachItem(matching: query) { subjects.append($0.subject ?? "") }
        #expect(subjects == ["First of user00", "Second of user00"])
    }

    @Test func storesOnADiskWithNoByteLeftAreSearchedWithoutFailures() throws {
        let mount = try ScratchMount(.tmpfs(megabytes: 16))
        let root = mount.url.appendingPathComponent("stores")
        let all = try SiteSearchTests().stores(root, count: 3)
        var query = ItemQuery()
        query.sender = "carol@example.com"
        try mount.fill()
        defer { mount.release() }
        let full = SiteSearchTests().run(SiteSearch(stores: all, query: query, jobs: 2, limit: nil))
        #expect(full.failures.isEmpty, "\(full.failures)")
        #expect(full.hits == all.flatMap { ["\($0.user)|First of \($0.user)", "\($0.user)|Second of \($0.user)"] })
        var subjects: [String] = []
        try StoreCatalog(directory: all[0].directory, user: all[0].user).forEachItem(matching: query) { subjects.append($0.subject ?? "") }
        #expect(subjects == ["First of user00", "Second of user00"])
    }
}
