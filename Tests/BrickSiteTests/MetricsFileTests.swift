import BrickSite
import BrickTestSupport
import Foundation
import Testing

@Suite("metrics file")
struct MetricsFileTests {
    private func run(_ group: String, kind: RunMetrics.Kind = .backup, at seconds: Double, failed: [String] = []) -> RunMetrics {
        let users = ["alice", "bob", "carol"].map { RunMetrics.UserResult(user: $0, succeeded: !failed.contains($0)) }
        return RunMetrics(
            kind: kind, group: group, finished: Date(timeIntervalSince1970: seconds), duration: 12.5,
            usersSucceeded: 3 - failed.count, usersFailed: failed.count, items: 42, bytes: 123_456, users: users)
    }

    private func samples(_ path: String) throws -> [String: Double] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var values: [String: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let space = line.lastIndex(of: " ")!
            values[String(line[..<space])] = Double(line[line.index(after: space)...])
        }
        return values
    }

    @Test("a backup run writes its series per group, with no user label unless asked")
    func content() throws {
        let work = try TempDirectory()
        let path = work.path + "/brick.prom"
        try MetricsFile.update(path: path, runs: [run("staff", at: 1_800_000_000)], perUser: false)
        let values = try samples(path)
        #expect(values["brick_backup_last_success_timestamp_seconds{group=\"staff\"}"] == 1_800_000_000)
        #expect(values["brick_backup_last_run_duration_seconds{group=\"staff\"}"] == 12.5)
        #expect(values["brick_backup_last_run_users{group=\"staff\",status=\"ok\"}"] == 3)
        #expect(values["brick_backup_last_run_users{group=\"staff\",status=\"failed\"}"] == 0)
        #expect(values["brick_backup_last_run_items_added{group=\"staff\"}"] == 42)
        #expect(values["brick_backup_last_run_bytes_added{group=\"staff\"}"] == 123_456)
        #expect(!values.keys.contains { $0.contains("user=") })
        try MetricsFile.update(path: path, runs: [run("staff", at: 1_800_000_100)], perUser: true)
        #expect(try samples(path)["brick_backup_user_last_run_success{group=\"staff\",user=\"bob\"}"] == 1)
    }

    @Test("an export run writes brick_export_ series of bundles and bytes; a shard label keeps shards apart")
    func exportAndShard() throws {
        let work = try TempDirectory()
        let path = work.path + "/brick.prom"
        var first = run("staff", kind: .export, at: 1000)
        first.shard = "0/2"
        var second = run("staff", kind: .export, at: 2000, failed: ["bob"])
        second.shard = "1/2"
        try MetricsFile.update(path: path, runs: [first], perUser: false)
        try MetricsFile.update(path: path, runs: [second], perUser: true)
        let values = try samples(path)
        #expect(values["brick_export_last_success_timestamp_seconds{group=\"staff\",shard=\"0/2\"}"] == 1000)
        #expect(values["brick_export_last_run_bundles{group=\"staff\",shard=\"0/2\"}"] == 42)
        #expect(values["brick_export_last_run_bytes{group=\"staff\",shard=\"0/2\"}"] == 123_456)
        #expect(values["brick_export_last_run_timestamp_seconds{group=\"staff\",shard=\"1/2\"}"] == 2000)
        #expect(values["brick_export_last_run_users{group=\"staff\",shard=\"1/2\",status=\"failed\"}"] == 1)
        #expect(values["brick_export_user_last_run_success{group=\"staff\",shard=\"1/2\",user=\"bob\"}"] == 0)
        #expect(values["brick_export_last_success_timestamp_seconds{group=\"staff\",shard=\"1/2\"}"] == nil)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains("# HELP brick_export_last_run_bundles Bundles written by the group's last export run."))
    }

    @Test("a failed run keeps the last success time; other groups and kinds are kept")
    func merge() throws {
        let work = try TempDirectory()
        let path = work.path + "/brick.prom"
        try MetricsFile.update(path: path, runs: [run("staff", at: 1000), run("rest", at: 1000)], perUser: false)
        try MetricsFile.update(path: path, runs: [run("staff", kind: .purge, at: 1500)], perUser: false)
        try MetricsFile.update(path: path, runs: [run("staff", at: 2000, failed: ["bob"])], perUser: false)
        let values = try samples(path)
        #expect(values["brick_backup_last_success_timestamp_seconds{group=\"staff\"}"] == 1000)
        #expect(values["brick_backup_last_run_timestamp_seconds{group=\"staff\"}"] == 2000)
        #expect(values["brick_backup_last_run_users{group=\"staff\",status=\"failed\"}"] == 1)
        #expect(values["brick_backup_last_success_timestamp_seconds{group=\"rest\"}"] == 1000)
        #expect(values["brick_purge_last_success_timestamp_seconds{group=\"staff\"}"] == 1500)
        #expect(values["brick_purge_last_run_items_purged{group=\"staff\"}"] == 42)
    }

    @Test("the file is replaced by a rename: a new inode, no temporary file left")
    func atomicReplacement() throws {
        let work = try TempDirectory()
        let path = work.path + "/brick.prom"
        try MetricsFile.update(path: path, runs: [run("staff", at: 1000)], perUser: false)
        let reader = open(path, O_RDONLY)
        defer { close(reader) }
        var before = stat(), after = stat()
        fstat(reader, &before)
        try MetricsFile.update(path: path, runs: [run("staff", at: 2000)], perUser: false)
        stat(path, &after)
        #expect(before.st_ino != after.st_ino)
        // The reader that opened the old file still reads a whole old file.
        let old = String(decoding: FileHandle(fileDescriptor: reader).readDataToEndOfFile(), as: UTF8.self)
        #expect(old.contains("} 1000\n") && !old.contains("} 2000\n"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: work.path) == ["brick.prom"])
    }

    @Test("the text follows the exposition format: HELP and TYPE once before each family's samples")
    func expositionFormat() throws {
        let work = try TempDirectory()
        let path = work.path + "/brick.prom"
        var sharded = run("rest", kind: .export, at: 1000)
        sharded.shard = "3/4"
        try MetricsFile.update(
            path: path, runs: [run("st\"aff", at: 1000, failed: ["bob"]), run("rest", kind: .purge, at: 1000), sharded], perUser: true)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let sample = try Regex(#"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*",?)*\})? -?[0-9.e+]+$"#)
        var typed = Set<String>(), helped = Set<String>()
        for line in text.split(separator: "\n").map(String.init) {
            let words = line.split(separator: " ", maxSplits: 3).map(String.init)
            if words.first == "#" {
                if words[1] == "HELP" { #expect(helped.insert(words[2]).inserted) }
                if words[1] == "TYPE" {
                    #expect(words[3] == "gauge")
                    #expect(typed.insert(words[2]).inserted)
                }
                continue
            }
            let match = try #require(try sample.wholeMatch(in: line), "not a sample line: \(line)")
            let name = String(line[match.range].prefix { $0 != "{" && $0 != " " })
            #expect(typed.contains(name) && helped.contains(name), "\(name) has no TYPE/HELP before it")
        }
        #expect(text.contains(#"group="st\"aff""#))
        #expect(text.hasSuffix("\n"))
        guard let result = try Promtool.check(path) else {
            print("promtool not installed: the format was checked by the parser above only")
            return
        }
        #expect(result.passed, "promtool check metrics: \(result.said)")
    }
}
