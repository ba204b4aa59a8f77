import BrickSite
import Foundation
import Testing

@Suite("group user sets")
struct UserSetTests {
    private let discovered = ["alice", "bob", "carol", "mallory", "zoe"]

    @Test("a list is taken as written, whatever was discovered")
    func list() throws {
        #expect(try UserSet.list(["bob", "dave"]).select(discovered: discovered) == ["bob", "dave"])
    }

    @Test("a users file gives one user a line, without comments, blanks or repeats")
    func file() throws {
        let work = try TempDirectory()
        let path = try work.file("users", "alice\n# staff\nbob  # the boss\n\nalice\n")
        #expect(try UserSet.file(path).select(discovered: []) == ["alice", "bob"])
    }

    @Test("a regular expression must match the whole discovered name")
    func regex() throws {
        #expect(try UserSet.regex("[a-c].*").select(discovered: discovered) == ["alice", "bob", "carol"])
        #expect(try UserSet.regex("al").select(discovered: discovered) == [])
        #expect(try UserSet.regex(".*o.*").select(discovered: discovered) == ["bob", "carol", "mallory", "zoe"])
    }

    @Test("all takes every discovered user")
    func all() throws {
        #expect(try UserSet.all.select(discovered: discovered) == discovered)
        #expect(UserSet.all.needsDiscovery && UserSet.regex("x").needsDiscovery)
        #expect(!UserSet.list([]).needsDiscovery && !UserSet.file("f").needsDiscovery)
    }
}
