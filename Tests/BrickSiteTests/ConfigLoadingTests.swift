@testable import BrickSite
import Foundation
import Testing

@Suite("loading the configuration file")
struct ConfigLoadingTests {
    private let secretConfig = """
        [sources.imap]
        url = "imaps://mail.example.org"
        password-file = "/etc/brick/imap-password"
        """

    @Test("--config wins over $BRICK_CONFIG, which wins over the default path")
    func locationPrecedence() {
        let environment = ["BRICK_CONFIG": "/env/brick.toml"]
        #expect(ConfigLocation(flag: "/flag.toml", environment: environment) == ConfigLocation(path: "/flag.toml", isRequired: true, namedBy: "--config"))
        #expect(ConfigLocation(flag: nil, environment: environment) == ConfigLocation(path: "/env/brick.toml", isRequired: true, namedBy: "$BRICK_CONFIG"))
        #expect(ConfigLocation(flag: nil, environment: [:]) == ConfigLocation(path: "/etc/brick/brick.toml", isRequired: false, namedBy: "default"))
    }

    @Test("a missing default file means flags only; a missing named file is an error")
    func missingFiles() throws {
        let work = try TempDirectory()
        let missing = work.path + "/none.toml"
        let empty = try SiteConfig.load(ConfigLocation(path: missing, isRequired: false, namedBy: "default"))
        #expect(empty.file == nil && empty.groups.isEmpty)
        #expect(throws: ConfigError.self) { try SiteConfig.load(ConfigLocation(path: missing, isRequired: true, namedBy: "--config")) }
    }

    @Test("a file naming a secret is refused while others may read it, and accepted at 0640")
    func readableSecretRefused() throws {
        let work = try TempDirectory()
        let path = try work.file("brick.toml", secretConfig, mode: 0o644)
        let location = ConfigLocation(path: path, isRequired: true, namedBy: "--config")
        do {
            _ = try SiteConfig.load(location)
            Issue.record("a readable file naming a secret was accepted")
        } catch {
            #expect(error.description == "\(path):3: sources.imap.password-file: the file names a secret and others may read it (mode 0644); refused: chmod 640 or 600 it")
        }
        chmod(path, 0o640)
        #expect(try SiteConfig.load(location).sources.count == 1)
    }

    @Test("a file without secrets may be world-readable but never world-writable")
    func worldWritableRefused() throws {
        let work = try TempDirectory()
        let path = try work.file("brick.toml", "store = \"/srv/brick\"\n", mode: 0o644)
        let location = ConfigLocation(path: path, isRequired: true, namedBy: "--config")
        #expect(try SiteConfig.load(location).store == "/srv/brick")
        chmod(path, 0o666)
        #expect(throws: ConfigError.self) { try SiteConfig.load(location) }
    }

    @Test("config check finds missing paths and a password file others can read")
    func fileSystemProblems() throws {
        let work = try TempDirectory()
        let password = try work.file("pw", "secret\n", mode: 0o644)
        let text = """
            store = "\(work.path)/missing-store"
            [sources.imap]
            url = "imaps://mail.example.org"
            password-file = "\(password)"
            [groups.g]
            source = "imap"
            users-file = "\(work.path)/missing-users"
            [targets.vault]
            to = "\(work.path)"
            encrypt-to = ["brick-public-not-checked-here", "\(work.path)/missing.pub"]
            """
        let config = try SiteConfig.parse(text: text, file: "brick.toml")
        let found = config.fileSystemProblems().map(\.description)
        #expect(found == [
            "brick.toml:1: store: \(work.path)/missing-store: No such file or directory",
            "brick.toml:4: sources.imap.password-file: \(password) is accessible by group or others (mode 0644); refused: chmod 600 it",
            "brick.toml:7: groups.g.users-file: cannot read users file \(work.path)/missing-users: No such file or directory",
            "brick.toml:10: targets.vault.encrypt-to: \(work.path)/missing.pub: neither a public key (brick-public-…) nor a readable file: No such file or directory",
        ])
    }
}
