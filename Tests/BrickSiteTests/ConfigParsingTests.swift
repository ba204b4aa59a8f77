@testable import BrickSite
import Foundation
import Testing

@Suite("configuration file")
struct ConfigParsingTests {
    private func problems(_ text: String, file: String = "/etc/brick/brick.toml") -> [String] {
        do {
            _ = try SiteConfig.parse(text: text, file: file)
            return []
        } catch {
            return error.problems.map(\.description)
        }
    }

    @Test("the documented example in contrib/ loads, with every section")
    func contribExampleLoads() throws {
        let work = try TempDirectory()
        let text = try String(contentsOf: packageRoot.appendingPathComponent("contrib/brick.toml"), encoding: .utf8)
        let path = try work.file("brick.toml", text, mode: 0o640)
        let config = try SiteConfig.load(ConfigLocation(path: path, isRequired: true, namedBy: "--config"))
        #expect(config.store == "/srv/brick")
        #expect(config.umask == 0o077)
        #expect(config.olderThan == 90)
        #expect(config.logFormat == .json)
        #expect(config.sources.map(\.name) == ["vmail", "imap"])
        #expect(config.source(named: "imap")?.passwordFile == "/etc/brick/imap-password")
        #expect(config.source(named: "vmail")?.maxMessageSize == 2 << 30)
        #expect(config.groups.map(\.name) == ["staff", "customers", "imap-users"])
        #expect(config.group(named: "staff")?.users == .list(["alice", "bob"]))
        #expect(config.group(named: "staff")?.skipJunk == true)
        #expect(config.group(named: "staff")?.olderThan == 365)
        #expect(config.group(named: "customers")?.users == .regex("[a-m].*"))
        #expect(config.group(named: "imap-users")?.users == .file("/etc/brick/imap-users"))
        #expect(config.targets == [
            TargetConfig(name: "offsite", to: "/mnt/offsite/brick", encryptTo: ["/etc/brick/offsite.pub"]),
            TargetConfig(name: "usb-disk", to: "/media/brick-usb", encrypt: false),
        ])
        #expect(config.target(named: "usb-disk")?.writesPlainBundles == true)
    }

    @Test("a target's recipients and encrypt = false exclude each other; encrypt = true needs recipients")
    func targetEncryptionChecked() throws {
        let text = """
            [targets.a]
            to = "/a"
            encrypt-to = ["brick-public-x"]
            encrypt = false
            [targets.b]
            to = "/b"
            encrypt = true
            [targets.c]
            encrypt-to = "brick-public-x"
            """
        #expect(problems(text, file: "site.toml") == [
            "site.toml:4: targets.a.encrypt: false (plain bundles) contradicts encrypt-to: keep one of them",
            "site.toml:7: targets.b.encrypt: true needs encrypt-to = [\"brick-public-…\" or a .pub file, …]",
            "site.toml:8: targets.c.to: missing: the directory export writes bundles to",
            "site.toml:9: targets.c.encrypt-to: must be an array of strings (is string)",
        ])
        let good = try SiteConfig.parse(text: "[targets.v]\nto = \"/v\"\nencrypt-to = [\"k.pub\", \"brick-public-y\"]\n", file: "f")
        #expect(good.target(named: "v")?.encryptTo == ["k.pub", "brick-public-y"])
    }

    @Test("a value of the wrong type is named by file, line and key")
    func wrongTypeLocated() {
        let text = """
            store = "/srv/brick"

            [sources.vmail]
            url = "maildir:/m/{user}"

            [groups.staff]
            source = "vmail"
            all-users = true
            workers = "four"
            """
        #expect(problems(text) == ["/etc/brick/brick.toml:9: groups.staff.workers: must be an integer (is string)"])
    }

    @Test("out-of-range values, unknown keys and bad choices are each one line")
    func everyProblemReported() {
        let text = """
            umask = "999"
            log-format = "xml"
            stroe = "/srv/brick"
            [sources.vmail]
            url = "ftp://x"
            [groups.g]
            source = "nowhere"
            users = ["a"]
            workers = 100
            """
        let found = problems(text, file: "site.toml")
        #expect(found == [
            "site.toml:1: umask: must be an octal mode such as \"0077\" or 0o077",
            "site.toml:2: log-format: must be one of text, json (is \"xml\")",
            "site.toml:3: stroe: unknown key",
            "site.toml:5: sources.vmail.url: must start with maildir:, imap:// or imaps:// (is \"ftp://x\")",
            "site.toml:7: groups.g.source: no [sources.nowhere] in this file",
            "site.toml:9: groups.g.workers: must be between 1 and 64 (is 100)",
        ])
    }

    @Test("a TOML syntax error names its line")
    func syntaxErrorLocated() {
        let found = problems("store = \"/srv\"\n[groups\n")
        #expect(found.count == 1)
        #expect(found.first?.hasPrefix("/etc/brick/brick.toml:2: not valid TOML") == true)
    }

    @Test("a password in the file is refused, naming the file, line and key")
    func passwordRefused() {
        let text = """
            [sources.imap]
            url = "imaps://mail.example.org"
            admin-user = "backup"
            password = "hunter2"
            """
        let found = problems(text)
        #expect(found.count == 1)
        #expect(found.first?.hasPrefix("/etc/brick/brick.toml:4: sources.imap.password: a password never goes in the configuration file") == true)
        #expect(!found.joined().contains("hunter2"))
    }

    @Test("a group needs exactly one way of naming its users")
    func oneUserSet() {
        let base = "[sources.s]\nurl = \"maildir:/m/{user}\"\n[groups.g]\nsource = \"s\"\n"
        #expect(problems(base) == ["/etc/brick/brick.toml:3: groups.g: no users: give users, users-file, users-regex or all-users = true"])
        #expect(problems(base + "users = [\"a\"]\nall-users = true\n")
            == ["/etc/brick/brick.toml:3: groups.g: give only one of users, users-file, users-regex and all-users"])
        #expect(problems(base + "users-regex = \"[a-\"\n").first?.hasPrefix("/etc/brick/brick.toml:5: groups.g.users-regex: users-regex '[a-' does not compile") == true)
    }

    @Test("an IMAP option on a Maildir source is refused")
    func imapOptionOnMaildir() {
        #expect(problems("[sources.s]\nurl = \"maildir:/m/{user}\"\nadmin-user = \"x\"\n")
            == ["/etc/brick/brick.toml:3: sources.s.admin-user: only IMAP sources take admin-user"])
    }
}

@Suite("configuration file: calendars and contacts")
struct DAVSourceConfigTests {
    @Test("a source's dav keys are read, and a dav URL that is not http(s) is a located problem")
    func davKeysReadAndChecked() throws {
        let good = try SiteConfig.parse(text: """
            [sources.imap]
            url = "imaps://mail.example.org"
            dav = "https://dav.example.org/{user}/"
            dav-user = "backup"
            dav-password-env = "DAV_PASSWORD"
            """, file: "site.toml")
        let source = try #require(good.source(named: "imap"))
        #expect(source.dav == "https://dav.example.org/{user}/" && source.davUser == "backup" && source.davPasswordEnv == "DAV_PASSWORD")
        do {
            _ = try SiteConfig.parse(text: "[sources.imap]\nurl = \"imaps://mail.example.org\"\ndav = \"ftp://dav\"\n", file: "site.toml")
            Issue.record("a dav URL of another scheme was accepted")
        } catch {
            #expect(error.problems.map(\.description) == ["site.toml:3: sources.imap.dav: must start with http:// or https:// (is \"ftp://dav\")"])
        }
    }

    @Test("dav-authorize-as is read with dav-user, and without dav-user it is a located problem")
    func davAuthorizeAsNeedsAnAdmin() throws {
        let good = try SiteConfig.parse(text: """
            [sources.cyrus]
            url = "imaps://mail.example.org"
            dav = "https://mail.example.org/dav/"
            dav-user = "backup-admin"
            dav-authorize-as = true
            [sources.plain]
            url = "imaps://mail.example.org"
            dav = "https://dav.example.org/"
            """, file: "site.toml")
        #expect(good.source(named: "cyrus")?.davAuthorizeAs == true)
        #expect(good.source(named: "plain")?.davAuthorizeAs == nil)
        do {
            _ = try SiteConfig.parse(text: "[sources.cyrus]\nurl = \"imaps://mail.example.org\"\ndav-authorize-as = true\n", file: "site.toml")
            Issue.record("dav-authorize-as without dav-user was accepted")
        } catch {
            #expect(error.problems.map(\.description) == ["site.toml:3: sources.cyrus.dav-authorize-as: needs dav-user, the admin that acts for each user"])
        }
    }
}
