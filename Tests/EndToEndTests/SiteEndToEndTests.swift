import Foundation
import Testing

/// The built `brick-backup` driven by a configuration file: groups, flags over the
/// file, refused secrets, metrics, JSON logs, run history and status.
@Suite(.serialized) struct SiteEndToEndTests {
    private func config(_ work: Workspace, extra: String = "") -> String {
        """
        store = "\(work.store.path)"
        older-than = 30
        metrics-file = "\(work.url.path)/brick.prom"

        [sources.vmail]
        url = "\(work.source)"

        [groups.a-users]
        source = "vmail"
        users-regex = "a.*"
        workers = 1

        [groups.listed]
        source = "vmail"
        users = ["bob"]
        skip-junk = true
        older-than = 0
        \(extra)
        """
    }

    @Test("backup --group takes the group's users; --all-groups runs every group; metrics per group")
    func groupsAndMetrics() throws {
        let work = try Workspace()
        let path = try work.writeConfig(config(work))
        let first = try Tools.run("brick-backup", ["backup", "--config", path, "--group", "a-users", "--progress", "never"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(Workspace.storedUsers(work.store) == ["alice"])
        let all = try Tools.run("brick-backup", ["backup", "--config", path, "--all-groups", "--progress", "never"])
        #expect(all.status == 0, "\(all.stderr)")
        #expect(Workspace.storedUsers(work.store) == ["alice", "bob"])
        let metrics = try String(contentsOfFile: work.url.path + "/brick.prom", encoding: .utf8)
        #expect(metrics.contains("# TYPE brick_backup_last_success_timestamp_seconds gauge"))
        #expect(metrics.contains(#"brick_backup_last_run_users{group="listed",status="ok"} 1"#))
        #expect(metrics.contains(#"brick_backup_last_run_items_added{group="a-users"} 0"#))
        #expect(!metrics.contains("user="))

        let purge = try Tools.run("brick-backup", ["purge", "--config", path, "--group", "listed"])
        #expect(purge.status == 0, "\(purge.stderr)")
        let runs = try runLines(["--config", path, "--group", "listed"])
        #expect(runs.map(\.kind) == ["backup", "purge"])
        #expect(try String(contentsOfFile: work.url.path + "/brick.prom", encoding: .utf8)
            .contains(#"brick_purge_last_run_users{group="listed",status="ok"} 1"#))
    }

    @Test("a flag on the command line wins over the file")
    func flagWinsOverFile() throws {
        let work = try Workspace()
        let path = try work.writeConfig(config(work))
        let elsewhere = work.url.appendingPathComponent("elsewhere")
        let result = try Tools.run("brick-backup", [
            "backup", "--config", path, "--group", "listed", "--store", elsewhere.path, "--metrics-file", work.url.path + "/other.prom",
            "--progress", "never",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(Workspace.storedUsers(elsewhere) == ["bob"])
        #expect(Workspace.storedUsers(work.store).isEmpty)
        #expect(FileManager.default.fileExists(atPath: work.url.path + "/other.prom"))
        #expect(!FileManager.default.fileExists(atPath: work.url.path + "/brick.prom"))
    }

    @Test("--source takes a configured source's name; --group refuses -u")
    func namedSource() throws {
        let work = try Workspace()
        let path = try work.writeConfig(config(work))
        let result = try Tools.run("brick-backup", ["backup", "--config", path, "--source", "vmail", "-u", "bob", "--progress", "never"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(Workspace.storedUsers(work.store) == ["bob"])
        #expect(try String(contentsOfFile: work.url.path + "/brick.prom", encoding: .utf8)
            .contains(#"brick_backup_last_run_users{group="default",status="ok"} 1"#))
        let mixed = try Tools.run("brick-backup", ["backup", "--config", path, "--group", "listed", "-u", "alice", "--progress", "never"])
        #expect(mixed.status == 2)
        #expect(mixed.stderr.contains("--group picks the source and the users"))
    }

    @Test("a password in the file, or a secret-naming file others may read, stops the command before anything is done")
    func secretsRefused() throws {
        let work = try Workspace()
        let withPassword = try work.writeConfig(config(work, extra: "\n[sources.imap]\nurl = \"imaps://127.0.0.1\"\npassword = \"hunter2\"\n"))
        let result = try Tools.run("brick-backup", ["backup", "--config", withPassword, "--all-groups", "--progress", "never"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("\(withPassword):21: sources.imap.password: a password never goes in the configuration file"))
        #expect(!result.stderr.contains("hunter2"))
        #expect(Workspace.storedUsers(work.store).isEmpty)

        let readable = try work.writeConfig(config(work, extra: "\n[sources.imap]\nurl = \"imaps://127.0.0.1\"\npassword-file = \"/x\"\n"), mode: 0o644)
        let refused = try Tools.run("brick-backup", ["backup", "--config", readable, "--all-groups", "--progress", "never"])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("sources.imap.password-file: the file names a secret and others may read it (mode 0644)"))
        let missing = try Tools.run("brick-backup", ["backup", "--config", work.url.path + "/none.toml", "--all-groups"])
        #expect(missing.status == 2 && missing.stderr.contains("does not exist"))
    }

    @Test("config check prints the settings with the password masked, and one located line per problem with exit 2")
    func configCheck() throws {
        let work = try Workspace()
        let password = work.url.appendingPathComponent("pw").path
        try Data("s3cret-pass\n".utf8).write(to: URL(fileURLWithPath: password))
        chmod(password, 0o600)
        let good = try work.writeConfig(config(work, extra: "\n[sources.imap]\nurl = \"imaps://127.0.0.1\"\npassword-file = \"\(password)\"\n"))
        try FileManager.default.createDirectory(at: work.store, withIntermediateDirectories: true)
        let checked = try Tools.run("brick-backup", ["config", "check", "--config", good, "--connect"])
        #expect(checked.status == 2)
        #expect(checked.stdout.contains("password-file = \"\(password)\"   # password: ********"))
        #expect(checked.stdout.contains("2 users found"))
        #expect(!checked.stdout.contains("s3cret") && !checked.stderr.contains("s3cret"))
        // Nothing listens on 127.0.0.1:993 here: the one problem is the unreachable server.
        let lines = checked.stderr.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].hasPrefix("brick-backup: \(good):20: sources.imap.url: not reachable"), "\(checked.stderr)")

        let offline = try Tools.run("brick-backup", ["config", "check", "--config", good])
        #expect(offline.status == 0, "\(offline.stderr)")

        let bad = try work.writeConfig("store = \"\(work.url.path)/missing\"\n[groups.g]\nsource = \"vmail\"\nall-users = true\nworkers = 0\n", name: "bad.toml")
        let failed = try Tools.run("brick-backup", ["config", "check", "--config", bad])
        #expect(failed.status == 2)
        #expect(failed.stderr.split(separator: "\n").map(String.init) == [
            "brick-backup: \(bad):3: groups.g.source: no [sources.vmail] in this file",
            "brick-backup: \(bad):5: groups.g.workers: must be between 1 and 64 (is 0)",
        ])
    }

    @Test("--log-format json writes one JSON object a line, with user, event and counts")
    func jsonLogs() throws {
        let work = try Workspace()
        let result = try Tools.run("brick-backup", [
            "backup", "--source", work.source, "--all-users", "--store", work.store.path, "--progress", "never",
            "--log-format", "json", "--log-level", "info",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stderr.split(separator: "\n")
        #expect(!lines.isEmpty)
        var finished: [String: Int] = [:]
        for line in lines {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not JSON: \(line)")
            #expect(object["time"] is String && object["level"] is String && object["event"] is String)
            if object["event"] as? String == "user backed up", let user = object["user"] as? String {
                finished[user] = object["items_added"] as? Int
            }
        }
        #expect(finished["alice"] == work.messageFiles("alice").count)
        #expect(finished["bob"] == work.messageFiles("bob").count)
    }

    @Test("runs lists each run as table, CSV or JSON; status exits 1 when a last success is older than --max-age")
    func runsAndStatus() throws {
        let work = try Workspace()
        let backup = ["backup", "--source", work.source, "-u", "alice", "--store", work.store.path, "--progress", "never"]
        #expect(try Tools.run("brick-backup", backup).status == 0)
        #expect(try Tools.run("brick-backup", backup).status == 0)
        let runs = try runLines([work.store.appendingPathComponent("alice").path])
        #expect(runs.map(\.status) == ["ok", "ok"])
        #expect(runs.map(\.added) == [work.messageFiles("alice").count, 0])
        let csv = try Tools.run("brick-backup", ["runs", "--store", work.store.path, "--format", "csv"])
        #expect(csv.stdout.hasPrefix("user,run,kind,started,seconds,status,added,"))
        #expect(csv.stdout.split(separator: "\n").count == 3)
        #expect(try runLines(["--store", work.store.path, "--since", "2999-01-01"]).isEmpty)

        let fresh = try Tools.run("brick-backup", ["status", "--store", work.store.path, "--max-age", "1d"])
        #expect(fresh.status == 0, "\(fresh.stdout)")
        #expect(fresh.stdout.contains("0 of 1 users without a successful backup"))
        sleep(1)
        let stale = try Tools.run("brick-backup", ["status", "--store", work.store.path, "--max-age", "0s"])
        #expect(stale.status == 1)
        #expect(stale.stdout.contains("STALE"))
        #expect(try Tools.run("brick-backup", ["status", "--store", work.store.path, "--max-age", "soon"]).status == 2)
    }
}
