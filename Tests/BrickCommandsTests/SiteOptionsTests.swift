import ArgumentParser
@testable import BrickCommands
import BrickSite
import Foundation
import Logging
import Testing

@Suite("site options")
struct SiteOptionsTests {
    private let imapSource: SourceConfig = {
        var source = SourceConfig(name: "imap", url: "imaps://mail.example.org")
        source.adminUser = "backup"
        source.passwordFile = "/etc/brick/pw"
        source.timeout = 60
        source.auth = "plain"
        return source
    }()

    @Test("IMAP flags win over the configured source; what the flags leave out comes from it")
    func imapFlagsWin() throws {
        let command = try #require(try BrickBackup.parseAsRoot([
            "backup", "--source", "imap", "-u", "alice", "--admin-user", "root", "--timeout", "5",
        ]) as? BackupCommand)
        let filled = command.imap.filled(from: imapSource)
        #expect(filled.adminUser == "root")
        #expect(filled.timeout == 5)
        #expect(filled.auth == .plain)
        #expect(filled.passwordFile == "/etc/brick/pw")
        let bare = try #require(try BrickBackup.parseAsRoot(["backup", "--source", "imap", "-u", "alice"]) as? BackupCommand)
        #expect(bare.imap.filled(from: imapSource).timeout == 60)
        #expect(bare.imap.tls == .starttls && bare.imap.timeout == 300)
    }

    @Test("--store, --log-format and --log-level win over the file; the file wins over the defaults")
    func outputFlagsWin() throws {
        var site = SiteConfig()
        site.store = "/srv/from-file"
        site.logFormat = .json
        site.logLevel = "info"
        let plain = try #require(try BrickBackup.parseAsRoot(["backup", "--all-groups"]) as? BackupCommand)
        #expect(plain.output.logFormat(site) == .json)
        #expect(plain.output.logLevel(site) == .info)
        #expect(plain.output.logFormat(SiteConfig()) == .text)
        let flagged = try #require(try BrickBackup.parseAsRoot([
            "backup", "--all-groups", "--store", "/srv/flag", "--log-format", "text", "--log-level", "error",
        ]) as? BackupCommand)
        #expect(flagged.storeRoot.root(site).path == "/srv/flag")
        #expect(flagged.output.logFormat(site) == .text)
        #expect(flagged.output.logLevel(site) == .error)
    }

    @Test("a JSON log line is one object with time, level, event and numeric counts")
    func jsonLogLine() throws {
        let line = StderrLogHandler.json(
            time: "2026-11-23T02:00:01Z", level: .info, message: "user backed up",
            metadata: ["user": "alice", "folder": "INBOX", "items_added": .stringConvertible(12), "seconds": .stringConvertible(0.5)])
        #expect(!line.contains("\n"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["event"] as? String == "user backed up")
        #expect(object["level"] as? String == "info")
        #expect(object["user"] as? String == "alice" && object["folder"] as? String == "INBOX")
        #expect(object["items_added"] as? Int == 12)
        #expect(object["seconds"] as? Double == 0.5)
    }

    @Test("--shard, --group and the new commands parse; a bad shard is a usage error")
    func newOptionsParse() throws {
        _ = try BrickBackup.parseAsRoot(["backup", "--group", "staff", "--group", "customers", "--shard", "1/4", "--metrics-file", "/tmp/m.prom"])
        _ = try BrickBackup.parseAsRoot(["purge", "--group", "staff", "--shard", "2/4"])
        _ = try BrickBackup.parseAsRoot(["runs", "backups/alice", "--since", "2026-11-01", "--format", "csv"])
        _ = try BrickBackup.parseAsRoot(["status", "--max-age", "26h"])
        _ = try BrickBackup.parseAsRoot(["config", "check", "--config", "/etc/brick/brick.toml", "--connect"])
        #expect(throws: (any Error).self) { try BrickBackup.parseAsRoot(["backup", "--all-groups", "--shard", "4/4"]) }
        #expect(throws: (any Error).self) { try BrickBackup.parseAsRoot(["status", "--max-age", "later"]) }
    }

    @Test("the command lines of contrib/systemd parse")
    func systemdCommandLines() throws {
        let directory = ReadmeExamples.readme.deletingLastPathComponent().appendingPathComponent("contrib/systemd")
        for name in ["brick-backup.service", "brick-purge.service"] {
            let text = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
            let line = try #require(text.split(separator: "\n").first { $0.hasPrefix("ExecStart=") })
            let words = ReadmeExamples.words(String(line.dropFirst("ExecStart=".count)))
            #expect(words.first?.hasSuffix("/brick-backup") == true)
            _ = try BrickBackup.parseAsRoot(Array(words.dropFirst()))
        }
    }
}
