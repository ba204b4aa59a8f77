import Foundation
import Testing
@testable import BrickMaildir

@Suite struct MaildirUsersTests {
    @Test func discoverFindsUsersWhoseExpandedPathExists() throws {
        let temp = try TemporaryDirectory()
        for user in ["alice", "bob", ".hidden", "carol"] {
            try FileManager.default.createDirectory(
                atPath: temp.path + "/example.org/\(user)" + (user == "carol" ? "" : "/Maildir"),
                withIntermediateDirectories: true)
        }
        let found = try MaildirUsers.discover(template: temp.path + "/example.org/{user}/Maildir")
        #expect(found.map(\.user) == ["alice", "bob"])
        #expect(found[0].root.path == temp.path + "/example.org/alice/Maildir")
    }

    @Test func discoverMatchesUserInsideAComponent() throws {
        let temp = try TemporaryDirectory()
        for name in ["u-alice.d", "u-bob.d", "other", "u-.d"] {
            try FileManager.default.createDirectory(atPath: temp.path + "/" + name, withIntermediateDirectories: true)
        }
        let found = try MaildirUsers.discover(template: temp.path + "/u-{user}.d")
        #expect(found.map(\.user) == ["alice", "bob"])
    }

    @Test func discoverFindsTheFixtureUsers() throws {
        let found = try MaildirUsers.discover(template: fixturesRoot.path + "/{user}/Maildir")
        #expect(found.map(\.user) == ["alice", "bob"])
    }

    @Test func expandReplacesTheUser() throws {
        #expect(try MaildirUsers.expand(template: "/var/vmail/{user}/Maildir", user: "alice").path == "/var/vmail/alice/Maildir")
    }

    @Test func expandRejectsNamesThatLeaveTheDirectory() {
        for user in ["../root", "a/b", "..", ".", "", "x..y"] {
            #expect(throws: MaildirError.self) { try MaildirUsers.expand(template: "/var/vmail/{user}/Maildir", user: user) }
        }
    }

    @Test func templatesNeedExactlyOneUser() {
        #expect(throws: MaildirError.self) { try MaildirUsers.discover(template: "/var/vmail/Maildir") }
        #expect(throws: MaildirError.self) { try MaildirUsers.discover(template: "/var/{user}/{user}") }
        #expect(throws: MaildirError.self) { try MaildirUsers.expand(template: "relative/{user}", user: "a") }
    }
}
