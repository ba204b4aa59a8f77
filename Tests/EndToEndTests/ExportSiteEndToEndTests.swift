import BrickSite
import BrickTestSupport
import Foundation
import Testing

/// `export` driven by the configuration file: `[targets.NAME]` gives the destination and
/// the recipients, flags win over it; `--group`, `--all-groups` and `--shard` select the
/// users as `backup` does; `--metrics-file` writes `brick_export_…` series.
@Suite(.serialized) struct ExportSiteEndToEndTests {
    private func config(_ work: Workspace, target: String) -> String {
        """
        store = "\(work.store.path)"

        [sources.vmail]
        url = "\(work.source)"

        [groups.a-users]
        source = "vmail"
        users-regex = "a.*"

        [groups.listed]
        source = "vmail"
        users = ["bob"]

        [targets.offsite]
        to = "\(work.url.path)/bundles"
        \(target)
        """
    }

    private func keygen(_ work: Workspace) throws -> String {
        let path = work.url.appendingPathComponent("vault.key").path
        let made = try Tools.run("brick-backup", ["keygen", "--out", path])
        #expect(made.status == 0, "\(made.stderr)")
        return path
    }

    private func bundleUsers(_ directory: URL) -> Set<String> {
        Set(((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter {
            ((try? FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent($0).path)) ?? [])
                .contains { $0.hasSuffix(".bundle") }
        })
    }

    @Test("the target's to and encrypt-to drive export; --group picks users among the stores; metrics per group")
    func targetFromConfiguration() throws {
        let work = try Workspace()
        let key = try keygen(work)
        let path = try work.writeConfig(config(work, target: "encrypt-to = [\"\(key).pub\"]"))
        let backup = try Tools.run("brick-backup", ["backup", "--config", path, "--all-groups", "--progress", "never"])
        #expect(backup.status == 0, "\(backup.stderr)")
        let metricsPath = work.url.path + "/export.prom"
        let export = try Tools.run("brick-backup", [
            "export", "--config", path, "--target", "offsite", "--group", "a-users", "--progress", "never", "--metrics-file", metricsPath,
        ])
        #expect(export.status == 0, "\(export.stderr)")
        #expect(export.stdout.contains("encrypted for key id"), "\(export.stdout)")
        let bundles = work.url.appendingPathComponent("bundles")
        #expect(bundleUsers(bundles) == ["alice"])
        let metrics = try String(contentsOfFile: metricsPath, encoding: .utf8)
        #expect(metrics.contains("# TYPE brick_export_last_success_timestamp_seconds gauge"))
        #expect(metrics.contains(#"brick_export_last_run_users{group="a-users",status="ok"} 1"#), "\(metrics)")
        #expect(metrics.contains(#"brick_export_last_run_bundles{group="a-users"} 1"#))
        #expect(!metrics.contains("shard="))
        let imported = try Tools.run("brick-backup", [
            "import", bundles.path, "--store", work.url.path + "/replica", "--identity", key, "--progress", "never",
        ])
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(try StoreComparison.differences(work.store.appendingPathComponent("alice"), work.url.appendingPathComponent("replica/alice")) == [])

        // Flags win: another directory, in clear.
        let elsewhere = work.url.appendingPathComponent("elsewhere")
        let plain = try Tools.run("brick-backup", [
            "export", "--config", path, "--target", "offsite", "--group", "listed", "--to", elsewhere.path, "--no-encrypt", "--progress", "never",
        ])
        #expect(plain.status == 0, "\(plain.stderr)")
        #expect(plain.stdout.contains("NOT ENCRYPTED (--no-encrypt)"))
        #expect(bundleUsers(elsewhere) == ["bob"])
        #expect(bundleUsers(bundles) == ["alice"])
    }

    @Test("encrypt = false writes plain bundles and says so; no recipients at all is a usage error")
    func plainTargetAndMissingChoice() throws {
        let work = try Workspace()
        let plainPath = try work.writeConfig(config(work, target: "encrypt = false"))
        #expect(try Tools.run("brick-backup", ["backup", "--config", plainPath, "--group", "listed", "--progress", "never"]).status == 0)
        let plain = try Tools.run("brick-backup", ["export", "--config", plainPath, "--target", "offsite", "--progress", "never"])
        #expect(plain.status == 0, "\(plain.stderr)")
        #expect(plain.stdout.contains("NOT ENCRYPTED (encrypt = false in [targets.offsite])"), "\(plain.stdout)")
        #expect(bundleUsers(work.url.appendingPathComponent("bundles")) == ["bob"])

        let silentPath = try work.writeConfig(config(work, target: ""), name: "silent.toml")
        let silent = try Tools.run("brick-backup", ["export", "--config", silentPath, "--target", "offsite", "--progress", "never"])
        #expect(silent.status == 2)
        #expect(silent.stderr.contains("bundles leave this host"), "\(silent.stderr)")
        let unknown = try Tools.run("brick-backup", ["export", "--config", silentPath, "--target", "nowhere", "--no-encrypt", "--progress", "never"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("give --to DIR|- or [targets.nowhere]"), "\(unknown.stderr)")
    }

    @Test("shards of an export take each user once, and the metrics carry a shard label")
    func shardedExport() throws {
        let work = try Workspace()
        let users = try work.makeUsers(6) + ["alice", "bob"]
        let usersFile = work.url.appendingPathComponent("users").path
        try Data(users.joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: usersFile))
        let backup = try Tools.run("brick-backup", [
            "backup", "--source", work.source, "--users-file", usersFile, "--store", work.store.path, "--progress", "never", "-j", "1",
        ])
        #expect(backup.status == 0, "\(backup.stderr)")
        let path = try work.writeConfig(config(work, target: "encrypt = false"))
        var union: [String: Int] = [:]
        for index in 0..<2 {
            let bundles = work.url.appendingPathComponent("shard-\(index)")
            let metricsPath = work.url.path + "/shard-\(index).prom"
            let result = try Tools.run("brick-backup", [
                "export", "--config", path, "--target", "offsite", "--to", bundles.path, "--shard", "\(index)/2",
                "--metrics-file", metricsPath, "--progress", "never",
            ])
            #expect(result.status == 0, "\(result.stderr)")
            let exported = bundleUsers(bundles)
            #expect(exported == Set(users.filter { Shard.shardIndex(of: $0, count: 2) == index }))
            for user in exported { union[user, default: 0] += 1 }
            let metrics = try String(contentsOfFile: metricsPath, encoding: .utf8)
            #expect(metrics.contains(#"brick_export_last_run_bundles{group="default",shard="\#(index)/2"} \#(exported.count)"#), "\(metrics)")
            try expectPromtoolPasses(metricsPath)
        }
        #expect(Set(union.keys) == Set(users) && union.values.allSatisfy { $0 == 1 })

        // Backup and purge label their series with the shard too.
        let siteMetrics = work.url.path + "/site.prom"
        let shardedBackup = try Tools.run("brick-backup", [
            "backup", "--source", work.source, "--users-file", usersFile, "--store", work.store.path, "--shard", "1/2",
            "--metrics-file", siteMetrics, "--progress", "never",
        ])
        #expect(shardedBackup.status == 0, "\(shardedBackup.stderr)")
        let purge = try Tools.run("brick-backup", [
            "purge", "--store", work.store.path, "--older-than", "0", "--shard", "1/2", "--metrics-file", siteMetrics,
        ])
        #expect(purge.status == 0, "\(purge.stderr)")
        let inShard = users.filter { Shard.shardIndex(of: $0, count: 2) == 1 }.count
        let metrics = try String(contentsOfFile: siteMetrics, encoding: .utf8)
        #expect(metrics.contains(#"brick_backup_last_run_users{group="default",shard="1/2",status="ok"} \#(inShard)"#), "\(metrics)")
        #expect(metrics.contains(#"brick_purge_last_run_users{group="default",shard="1/2",status="ok"} \#(inShard)"#), "\(metrics)")
        try expectPromtoolPasses(siteMetrics)
    }
}

/// `promtool check metrics` passes on the file, when promtool is installed.
func expectPromtoolPasses(_ path: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    guard let result = try Promtool.check(path) else {
        print("promtool not installed: \(path) was not checked by it")
        return
    }
    #expect(result.passed, "promtool check metrics \(path): \(result.said)", sourceLocation: sourceLocation)
}
