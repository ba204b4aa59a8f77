import BrickSite
import Testing

@Suite("shards")
struct ShardTests {
    private let users = (0..<2000).map { "user\($0)@example.org" }

    @Test("the shard is SHA-256's first 8 bytes, big-endian, mod N (values fixed by an independent implementation)")
    func documentedHash() {
        // python3: int.from_bytes(hashlib.sha256(b"alice").digest()[:8], "big") % 7
        #expect(Shard.shardIndex(of: "alice", count: 7) == 1)
        #expect(Shard.shardIndex(of: "bob", count: 7) == 1)
        #expect(Shard.shardIndex(of: "carol", count: 7) == 6)
        #expect(Shard.shardIndex(of: "alice", count: 1) == 0)
    }

    @Test("every user is in exactly one of N shards, and the shards are of similar size")
    func completeAndDisjoint() throws {
        for count in [1, 2, 3, 8] {
            let shards = try (0..<count).map { try Shard(index: $0, count: count) }
            var sizes = [Int](repeating: 0, count: count)
            for user in users {
                let owners = shards.filter { $0.contains(user) }
                #expect(owners.count == 1)
                sizes[owners[0].index] += 1
            }
            #expect(sizes.allSatisfy { $0 > users.count / count / 2 })
        }
    }

    @Test("a user's shard does not depend on the other users or their order")
    func stable() throws {
        let shard = try Shard(index: 2, count: 5)
        let mine = users.filter(shard.contains)
        let shuffledMine = (users.reversed() + ["new1", "new2"]).filter(shard.contains)
        #expect(Set(mine).isSubset(of: Set(shuffledMine)))
        #expect(Set(shuffledMine).subtracting(mine).isSubset(of: ["new1", "new2"]))
    }

    @Test("I/N and env/N parse; bad forms are refused with a reason")
    func parsing() throws {
        #expect(try Shard(parsing: "3/4", environment: [:]) == Shard(index: 3, count: 4))
        #expect(try Shard(parsing: "env/4", environment: ["JOB_COMPLETION_INDEX": "2"]) == Shard(index: 2, count: 4))
        for bad in ["4/4", "-1/4", "1/0", "x/2", "1-2", "env/3"] {
            #expect(throws: ShardError.self) { try Shard(parsing: bad, environment: [:]) }
        }
    }
}
