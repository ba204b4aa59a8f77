@testable import BrickIMAP
import Foundation
import Testing

/// ACL, MYRIGHTS, METADATA and LIST (SUBSCRIBED) responses, as Dovecot 2.3 sends them
/// (recorded from the test server) and as RFC 4314, 5464 and 5258 allow.
private let settingsFixtures: [ParseFixture] = [
    ParseFixture("* ACL Shared bob lr alice lrwstipekxacd\r\n",
                 .success(.untagged(.acl(mailbox: "Shared", entries: [
                     ACLEntry(identifier: "bob", rights: "lr"), ACLEntry(identifier: "alice", rights: "lrwstipekxacd"),
                 ])))),
    ParseFixture("* ACL INBOX\r\n", .success(.untagged(.acl(mailbox: "INBOX", entries: [])))),
    ParseFixture("* ACL \"Team &AOk-t&AOk-\" \"$staff\" lr -eve w\r\n",
                 .success(.untagged(.acl(mailbox: "Team &AOk-t&AOk-", entries: [
                     ACLEntry(identifier: "$staff", rights: "lr"), ACLEntry(identifier: "-eve", rights: "w"),
                 ])))),
    ParseFixture("* ACL {6}\r\nShared {3}\r\nbob lr\r\n",
                 .success(.untagged(.acl(mailbox: "Shared", entries: [ACLEntry(identifier: "bob", rights: "lr")])))),
    ParseFixture("* ACL Shared bob\r\n", .failure),
    ParseFixture("* ACL Shared bob lr", .incomplete),
    ParseFixture("* MYRIGHTS INBOX lrwstipekxacd\r\n", .success(.untagged(.myRights(mailbox: "INBOX", rights: "lrwstipekxacd")))),
    ParseFixture("* MYRIGHTS \"Shared\" \"\"\r\n", .success(.untagged(.myRights(mailbox: "Shared", rights: "")))),
    ParseFixture("* MYRIGHTS INBOX\r\n", .failure),
    ParseFixture("* METADATA INBOX (/private/comment {5}\r\nhello /shared/comment {8}\r\nshared v)\r\n",
                 .success(.untagged(.metadata(mailbox: "INBOX", entries: [
                     MetadataEntry(name: "/private/comment", value: Array("hello".utf8)),
                     MetadataEntry(name: "/shared/comment", value: Array("shared v".utf8)),
                 ], changedOnly: false)))),
    ParseFixture("* METADATA \"\" (/private/comment {3}\r\nsrv)\r\n",
                 .success(.untagged(.metadata(mailbox: "", entries: [MetadataEntry(name: "/private/comment", value: Array("srv".utf8))], changedOnly: false)))),
    ParseFixture("* METADATA INBOX (/shared/comment NIL /private/x \"q \\\"y\\\"\")\r\n",
                 .success(.untagged(.metadata(mailbox: "INBOX", entries: [
                     MetadataEntry(name: "/shared/comment", value: nil), MetadataEntry(name: "/private/x", value: Array("q \"y\"".utf8)),
                 ], changedOnly: false)))),
    ParseFixture("* METADATA INBOX (/private/bin ~{3}\r\na\u{0}b)\r\n",
                 .success(.untagged(.metadata(mailbox: "INBOX", entries: [MetadataEntry(name: "/private/bin", value: [97, 0, 98])], changedOnly: false)))),
    ParseFixture("* METADATA INBOX /shared/comment /private/comment\r\n",
                 .success(.untagged(.metadata(mailbox: "INBOX", entries: [
                     MetadataEntry(name: "/shared/comment", value: nil), MetadataEntry(name: "/private/comment", value: nil),
                 ], changedOnly: true)))),
    ParseFixture("* METADATA INBOX (/private/comment {5}\r\nhel", .incomplete),
    ParseFixture("* METADATA INBOX (/private/comment)\r\n", .failure),
    ParseFixture("* METADATA INBOX (/private/comment \"x\"\r\n", .failure),
    ParseFixture("* LIST (\\Subscribed \\NonExistent) \"/\" Tmp\r\n",
                 .success(.untagged(.list(MailboxListEntry(attributes: ["\\Subscribed", "\\NonExistent"], delimiter: "/", name: "Tmp"))))),
    ParseFixture("* LIST (\\Subscribed) \"/\" Drafts\r\n",
                 .success(.untagged(.list(MailboxListEntry(attributes: ["\\Subscribed"], delimiter: "/", name: "Drafts"))))),
    ParseFixture("* LIST () \"/\" Archive (\"CHILDINFO\" (\"SUBSCRIBED\"))\r\n",
                 .success(.untagged(.list(MailboxListEntry(attributes: [], delimiter: "/", name: "Archive"))))),
    ParseFixture("* LSUB (\\Sent) \"/\" Sent\r\n",
                 .success(.untagged(.lsub(MailboxListEntry(attributes: ["\\Sent"], delimiter: "/", name: "Sent"))))),
]

@Test("ACL, MYRIGHTS, METADATA and subscribed LIST responses parse as expected, whole and byte by byte", arguments: settingsFixtures)
func settingsResponseTable(_ fixture: ParseFixture) {
    check(fixture)
}

@Test("SETACL, GETMETADATA and SETMETADATA are encoded as RFC 4314 and RFC 5464 write them")
func settingsCommandEncoding() {
    let capabilities = Capabilities(["LITERAL+"])
    func text(_ command: Command) -> String {
        String(decoding: command.encode(tag: "a1", capabilities: capabilities).chunks.flatMap(\.bytes), as: UTF8.self)
    }
    #expect(text(.setACL(mailbox: "Shared", identifier: "bob", rights: "lr")) == "a1 SETACL \"Shared\" \"bob\" \"lr\"\r\n")
    #expect(text(.getMetadata(mailbox: "", entries: ["/private", "/shared"])) == "a1 GETMETADATA (DEPTH infinity) \"\" (\"/private\" \"/shared\")\r\n")
    #expect(text(.setMetadata(mailbox: "INBOX", entry: "/private/comment", value: Array("two\r\nlines".utf8)))
        == "a1 SETMETADATA \"INBOX\" (\"/private/comment\" {10+}\r\ntwo\r\nlines)\r\n")
    #expect(text(.setMetadata(mailbox: "INBOX", entry: "/shared/comment", value: nil)) == "a1 SETMETADATA \"INBOX\" (\"/shared/comment\" NIL)\r\n")
    #expect(text(.listSubscribed(pattern: "*")) == "a1 LIST (SUBSCRIBED) \"\" \"*\"\r\n")
}
