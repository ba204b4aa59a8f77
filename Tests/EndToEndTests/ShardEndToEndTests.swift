import BrickSite
import Foundation
import Testing

/// N `brick-backup` processes with `--shard i/N`, run at the same time over one user set,
/// each into its own store root, against a single unsharded run.
@Suite(.serialized) struct ShardEndToEndTests {
    @Test("three concurrent shards back up every user exactly once, and their union equals an unsharded run")
    func shardsPartitionTheUsers() throws {
        let work = try Workspace()
        let users = try work.makeUsers(12) + ["alice", "bob"]
        let usersFile = work.url.appendingPathComponent("users").path
        try Data(users.joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: usersFile))
        let base = ["backup", "--source", work.source, "--users-file", usersFile, "--progress", "never", "-j", "1"]
        let count = 3
        let roots = (0..<count).map { work.url.appendingPathComponent("shard-\($0)") }
        let collected = Results()
        DispatchQueue.concurrentPerform(iterations: count) { index in
            let arguments = base + ["--store", roots[index].path, "--shard", "\(index)/\(count)"]
            let result = (try? Tools.run("brick-backup", arguments)) ?? Tools.Result(status: -1, stdout: "", stderr: "did not start")
            collected.set(index, result)
        }
        let results = collected.values
        for index in 0..<count { #expect(results[index]?.status == 0, "shard \(index): \(results[index]?.stderr ?? "")") }

        let whole = work.url.appendingPathComponent("whole")
        let unsharded = try Tools.run("brick-backup", base + ["--store", whole.path])
        #expect(unsharded.status == 0, "\(unsharded.stderr)")

        var seen: [String: Int] = [:]
        var added: [String: Int] = [:]
        for (index, root) in roots.enumerated() {
            let stored = Workspace.storedUsers(root)
            for user in stored { seen[user, default: 0] += 1 }
            // Each process took exactly the users the documented hash puts in its shard.
            #expect(stored == Set(users.filter { Shard.shardIndex(of: $0, count: count) == index }))
            for run in try runLines(["--store", root.path]) { added[run.user] = run.added }
        }
        #expect(seen.count == users.count && seen.values.allSatisfy { $0 == 1 })
        #expect(Set(seen.keys) == Workspace.storedUsers(whole))
        var wholeAdded: [String: Int] = [:]
        for run in try runLines(["--store", whole.path]) { wholeAdded[run.user] = run.added }
        #expect(added == wholeAdded)
        #expect(added["alice"] == work.messageFiles("alice").count)
    }

    @Test("env/N takes the shard index from JOB_COMPLETION_INDEX, and a missing one is a usage error")
    func shardFromEnvironment() throws {
        let work = try Workspace()
        let arguments = ["backup", "--source", work.source, "-u", "alice", "-u", "bob", "--store", work.store.path, "--progress", "never", "--shard", "env/2"]
        let missing = try Tools.run("brick-backup", arguments, environment: ["JOB_COMPLETION_INDEX": ""])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("JOB_COMPLETION_INDEX is not set"))
        let index = Shard.shardIndex(of: "alice", count: 2)
        let result = try Tools.run("brick-backup", arguments, environment: ["JOB_COMPLETION_INDEX": "\(index)"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(Workspace.storedUsers(work.store).contains("alice"))
        #expect(Workspace.storedUsers(work.store) == Set(["alice", "bob"].filter { Shard.shardIndex(of: $0, count: 2) == index }))
    }
}

/// Results of processes run at the same time, by index.
private final class Results: @unchecked Sendable {
    private let lock = NSLock()
    private var byIndex: [Int: Tools.Result] = [:]

    func set(_ index: Int, _ result: Tools.Result) { lock.withLock { byIndex[index] = result } }

    var values: [Int: Tools.Result] { lock.withLock { byIndex } }
}
