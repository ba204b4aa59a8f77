@testable import BrickIMAP
import Foundation
import Testing

private func untagged(_ response: UntaggedResponse) -> ParseFixture.Expected { .success(.untagged(response)) }

/// Status responses, capabilities and other non-FETCH responses.
private let statusFixtures: [ParseFixture] = [
    ParseFixture("* OK [CAPABILITY IMAP4rev1 SASL-IR LITERAL+ STARTTLS AUTH=PLAIN] Dovecot ready.\r\n",
                 untagged(.status(.ok, ResponseText(code: .capability(["IMAP4rev1", "SASL-IR", "LITERAL+", "STARTTLS", "AUTH=PLAIN"]), text: "Dovecot ready.")))),
    ParseFixture("a1 OK Logged in\r\n",
                 .success(.tagged(TaggedResponse(tag: "a1", status: .ok, text: ResponseText(text: "Logged in"))))),
    ParseFixture("a1 NO [AUTHENTICATIONFAILED] Authentication failed.\r\n",
                 .success(.tagged(TaggedResponse(tag: "a1", status: .no, text: ResponseText(code: .other("AUTHENTICATIONFAILED", nil), text: "Authentication failed."))))),
    ParseFixture("B7 bad Error in IMAP command\r\n",
                 .success(.tagged(TaggedResponse(tag: "B7", status: .bad, text: ResponseText(text: "Error in IMAP command"))))),
    ParseFixture("a11 OK [APPENDUID 1795438963 1] Append completed.\r\n",
                 .success(.tagged(TaggedResponse(tag: "a11", status: .ok, text: ResponseText(code: .appendUID(uidValidity: 1795438963, uids: UIDSet([1])), text: "Append completed."))))),
    ParseFixture("a2 OK [COPYUID 38505 304,319:320 3956:3958] Done\r\n",
                 .success(.tagged(TaggedResponse(tag: "a2", status: .ok, text: ResponseText(code: .copyUID(uidValidity: 38505, source: UIDSet([304, 319, 320]), destination: UIDSet(ranges: [3956...3958])), text: "Done"))))),
    ParseFixture("* OK [UIDVALIDITY 3857529045] UIDs valid\r\n", untagged(.status(.ok, ResponseText(code: .uidValidity(3857529045), text: "UIDs valid")))),
    ParseFixture("* OK [HIGHESTMODSEQ 90060115205545359] Highest\r\n", untagged(.status(.ok, ResponseText(code: .highestModSeq(90060115205545359), text: "Highest")))),
    ParseFixture("* OK [NOMODSEQ] Sorry\r\n", untagged(.status(.ok, ResponseText(code: .noModSeq, text: "Sorry")))),
    ParseFixture("* OK [CLOSED] Previous mailbox closed.\r\n", untagged(.status(.ok, ResponseText(code: .closed, text: "Previous mailbox closed.")))),
    ParseFixture("* OK [ALERT] System shutdown in 10 minutes\r\n", untagged(.status(.ok, ResponseText(code: .alert, text: "System shutdown in 10 minutes")))),
    ParseFixture("* OK [MAILBOXID (F2212ea87-6097-4256-9d51-71338625)] Ok\r\n", untagged(.status(.ok, ResponseText(code: .mailboxID("F2212ea87-6097-4256-9d51-71338625"), text: "Ok")))),
    ParseFixture("* OK [PERMANENTFLAGS (\\Answered \\Seen $Forwarded \\*)] Flags permitted.\r\n",
                 untagged(.status(.ok, ResponseText(code: .permanentFlags(["\\Answered", "\\Seen", "$Forwarded", "\\*"]), text: "Flags permitted.")))),
    ParseFixture("* OK [READ-ONLY] x\r\n", untagged(.status(.ok, ResponseText(code: .readOnly, text: "x")))),
    ParseFixture("* NO [ALREADYEXISTS] Mailbox already exists\r\n", untagged(.status(.no, ResponseText(code: .alreadyExists, text: "Mailbox already exists")))),
    ParseFixture("* OK [UIDNEXT 4]\r\n", untagged(.status(.ok, ResponseText(code: .uidNext(4), text: "")))),
    ParseFixture("* BYE Logging out\r\n", untagged(.status(.bye, ResponseText(text: "Logging out")))),
    ParseFixture("* PREAUTH ready\r\n", untagged(.status(.preauth, ResponseText(text: "ready")))),
    ParseFixture("* CAPABILITY IMAP4rev1 QRESYNC LIST-STATUS\r\n", untagged(.capability(["IMAP4rev1", "QRESYNC", "LIST-STATUS"]))),
    ParseFixture("* ENABLED QRESYNC CONDSTORE\r\n", untagged(.enabled(["QRESYNC", "CONDSTORE"]))),
    ParseFixture("* ENABLED\r\n", untagged(.enabled([]))),
    ParseFixture("* ID (\"name\" \"Dovecot\" \"version\" NIL)\r\n", untagged(.id([IDField(key: "name", value: "Dovecot"), IDField(key: "version", value: nil)]))),
    ParseFixture("* ID NIL\r\n", untagged(.id([]))),
    ParseFixture("* NAMESPACE ((\"\" \"/\")) NIL ((\"Shared/\" \"/\"))\r\n",
                 untagged(.namespace(NamespaceResponse(personal: [NamespaceDescription(prefix: "", delimiter: "/")], otherUsers: [], shared: [NamespaceDescription(prefix: "Shared/", delimiter: "/")])))),
    ParseFixture("* FLAGS (\\Answered \\Flagged Custom)\r\n", untagged(.flags(["\\Answered", "\\Flagged", "Custom"]))),
    ParseFixture("* 23 EXISTS\r\n", untagged(.exists(23))),
    ParseFixture("* 0 RECENT\r\n", untagged(.recent(0))),
    ParseFixture("* 5 EXPUNGE\r\n", untagged(.expunge(5))),
    ParseFixture("* SEARCH 2 3 6\r\n", untagged(.search([2, 3, 6]))),
    ParseFixture("* SEARCH\r\n", untagged(.search([]))),
    ParseFixture("* SEARCH 2 5 (MODSEQ 917162500)\r\n", untagged(.search([2, 5]))),
    ParseFixture("* VANISHED 3\r\n", untagged(.vanished(earlier: false, uids: UIDSet([3])))),
    ParseFixture("* VANISHED (EARLIER) 41,43:116,118,120:211,214:540\r\n",
                 untagged(.vanished(earlier: true, uids: UIDSet(ranges: [41...41, 43...116, 118...118, 120...211, 214...540])))),
    ParseFixture("* ESEARCH (TAG \"a\") UID ALL 1:3\r\n", untagged(.other("ESEARCH", "(TAG \"a\") UID ALL 1:3"))),
    ParseFixture("+ OK\r\n", .success(.continuation("OK"))),
    ParseFixture("+\r\n", .success(.continuation(""))),
    ParseFixture("+ \r\n", .success(.continuation(""))),
    ParseFixture("* OK [UIDVALIDITY 1] x\n", untagged(.status(.ok, ResponseText(code: .uidValidity(1), text: "x")))),
    ParseFixture("* OK [UIDVALIDITY 1] x", .incomplete),
    ParseFixture("* 3 EXI", .incomplete),
    ParseFixture("", .incomplete),
    ParseFixture("* 3 FROB\r\n", untagged(.other("FROB", "3"))),
    ParseFixture("* 3 FROB x y\r\n", untagged(.other("FROB", "3 x y"))),
    ParseFixture("a1 MAYBE fine\r\n", .failure),
    ParseFixture("* OK [UIDVALIDITY x] x\r\n", .failure),
    ParseFixture("* OK [UIDVALIDITY 99999999999] x\r\n", .failure),
    ParseFixture("* OK [UIDVALIDITY 1 x\r\n", .failure),
    ParseFixture("* VANISHED (EARLIER)\r\n", .failure),
    ParseFixture("*\r\n", .failure),
]

/// LIST, LSUB and STATUS responses.
private let mailboxFixtures: [ParseFixture] = [
    ParseFixture("* LIST (\\HasNoChildren \\Junk) \"/\" Junk\r\n",
                 untagged(.list(MailboxListEntry(attributes: ["\\HasNoChildren", "\\Junk"], delimiter: "/", name: "Junk")))),
    ParseFixture("* LIST () \"/\" \"Caf&AOk- &- Bar\"\r\n",
                 untagged(.list(MailboxListEntry(attributes: [], delimiter: "/", name: "Caf&AOk- &- Bar")))),
    ParseFixture("* LIST (\\NonExistent) \"/\" Archive\r\n",
                 untagged(.list(MailboxListEntry(attributes: ["\\NonExistent"], delimiter: "/", name: "Archive")))),
    ParseFixture("* LIST () \".\" inbox\r\n",
                 untagged(.list(MailboxListEntry(attributes: [], delimiter: ".", name: "INBOX")))),
    ParseFixture("* LIST (\\Noselect) NIL \"\"\r\n",
                 untagged(.list(MailboxListEntry(attributes: ["\\Noselect"], delimiter: nil, name: "")))),
    ParseFixture("* LIST () \"/\" {11}\r\nfoo \"bar\"/x\r\n",
                 untagged(.list(MailboxListEntry(attributes: [], delimiter: "/", name: "foo \"bar\"/x")))),
    ParseFixture("* LIST (\\Subscribed) \"/\" \"Foo\" (\"CHILDINFO\" (\"SUBSCRIBED\"))\r\n",
                 untagged(.list(MailboxListEntry(attributes: ["\\Subscribed"], delimiter: "/", name: "Foo")))),
    ParseFixture("* LIST () \"\\\\\" \"a\\\\b\"\r\n",
                 untagged(.list(MailboxListEntry(attributes: [], delimiter: "\\", name: "a\\b")))),
    ParseFixture("* LSUB (\\Sent) \"/\" Sent\r\n",
                 untagged(.lsub(MailboxListEntry(attributes: ["\\Sent"], delimiter: "/", name: "Sent")))),
    ParseFixture("* STATUS INBOX (MESSAGES 0 RECENT 0 UIDNEXT 1 UIDVALIDITY 1795438963 UNSEEN 0 HIGHESTMODSEQ 1)\r\n",
                 untagged(.mailboxStatus(name: "INBOX", status: MailboxStatus(messages: 0, recent: 0, uidNext: 1, uidValidity: 1795438963, unseen: 0, highestModSeq: 1)))),
    ParseFixture("* STATUS \"Sent Items\" (MESSAGES 3 SIZE 12345 MAILBOXID (F123)) \r\n",
                 untagged(.mailboxStatus(name: "Sent Items", status: MailboxStatus(messages: 3, size: 12345, mailboxID: "F123")))),
    ParseFixture("* STATUS INBOX ()\r\n", untagged(.mailboxStatus(name: "INBOX", status: MailboxStatus()))),
    // Cyrus 3.6.1 sends freed memory as the MAILBOXID of STATUS (recorded): no id, no failure.
    ParseFixture(bytes: Array("* STATUS INBOX (MESSAGES 0 UIDVALIDITY 1795450718 MAILBOXID (".utf8) + [0xEA, 0xF6, 0x94, 0xA7, 0x1D, 0x56] + Array("))\r\n".utf8),
                 untagged(.mailboxStatus(name: "INBOX", status: MailboxStatus(messages: 0, uidValidity: 1795450718)))),
    ParseFixture("* STATUS INBOX (MAILBOXID (a.b) MESSAGES 2)\r\n", untagged(.mailboxStatus(name: "INBOX", status: MailboxStatus(messages: 2)))),
    ParseFixture("* STATUS INBOX (MAILBOXID (F1\r\n", .failure),
    ParseFixture("* LIST (\\HasNoChildren) \"/\" {5}\r\nab", .incomplete),
    ParseFixture("* LIST (\\HasNoChildren) \"/\" {5}\r\nabcde", .incomplete),
    ParseFixture("* LIST (\\HasNoChildren \"/\" x\r\n", .failure),
    ParseFixture("* LIST () \"ab\" x\r\n", .failure),
    ParseFixture("* STATUS INBOX (MESSAGES)\r\n", .failure),
]

@Test("status and data responses parse as expected, whole and byte by byte", arguments: statusFixtures + mailboxFixtures)
func responseTable(_ fixture: ParseFixture) {
    check(fixture)
}

/// Checks a fixture whole, one byte at a time, and in chunks of 7 bytes.
func check(_ fixture: ParseFixture, sourceLocation: SourceLocation = #_sourceLocation) {
    for chunkSize in [Int.max, 1, 7] {
        let (outcome, early) = parseFirst(fixture.input, chunkSize: chunkSize)
        #expect(!early, "a frame ended before the last byte (chunk \(chunkSize))", sourceLocation: sourceLocation)
        switch fixture.expected {
        case .success(let response):
            #expect(outcome == .success(response), "chunk \(chunkSize)", sourceLocation: sourceLocation)
        case .incomplete:
            #expect(outcome == .incomplete, "chunk \(chunkSize)", sourceLocation: sourceLocation)
        case .failure:
            #expect(outcome == .failure, "chunk \(chunkSize)", sourceLocation: sourceLocation)
        }
    }
}
