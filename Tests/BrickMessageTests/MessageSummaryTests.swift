import BrickMessage
import Foundation
import Testing

/// One header block and the summary fields expected from it.
struct SummaryCase: CustomTestStringConvertible, Sendable {
    var name: String
    var raw: [UInt8]
    var messageID: String?
    var fromAddress: String?
    var fromName: String?
    var to: [String] = []
    var cc: [String] = []
    var subject: String?
    var sentSeconds: Int64?

    var testDescription: String { name }
}

/// Bytes of `text` with every `\n` written as CRLF.
func crlf(_ text: String) -> [UInt8] {
    Array(text.replacingOccurrences(of: "\n", with: "\r\n").utf8)
}

/// Bytes of `text` as is (LF line endings).
func lf(_ text: String) -> [UInt8] { Array(text.utf8) }

let summaryCases: [SummaryCase] = [
    SummaryCase(
        name: "plain CRLF message",
        raw: crlf(
            """
            Received: from mx.example.com by mail.example.org; Mon, 3 Feb 2025 10:00:00 +0000
            Message-ID: <abc.123@example.com>
            From: Alice Example <Alice@Example.COM>
            To: bob@example.org, "Carol C." <carol@example.net>
            Cc: dave@example.org
            Subject: Quarterly report
            Date: Mon, 3 Feb 2025 10:00:00 +0100

            Body From: evil@example.com
            Subject: not a header
            """),
        messageID: "abc.123@example.com", fromAddress: "alice@example.com", fromName: "Alice Example",
        to: ["bob@example.org", "carol@example.net"], cc: ["dave@example.org"], subject: "Quarterly report",
        sentSeconds: 1_738_573_200),
    SummaryCase(
        name: "LF line endings and lowercase names",
        raw: lf("message-id: <x@y>\nfrom: a@b.c\nsubject: hi\ndate: 3 Feb 2025 09:00 GMT\n\nbody\n"),
        messageID: "x@y", fromAddress: "a@b.c", subject: "hi", sentSeconds: 1_738_573_200),
    SummaryCase(
        name: "folded subject and To across lines",
        raw: crlf("Subject: a long\n  subject\n\tline\nTo: one@example.com,\n two@example.com\n\n"),
        to: ["one@example.com", "two@example.com"], subject: "a long  subject line"),
    SummaryCase(
        name: "first occurrence wins for single fields",
        raw: lf("Subject: first\nSubject: second\nFrom: a@x.org\nFrom: b@x.org\nMessage-ID: <1@x>\nMessage-ID: <2@x>\n\n"),
        messageID: "1@x", fromAddress: "a@x.org", subject: "first"),
    SummaryCase(
        name: "repeated To headers are joined",
        raw: lf("To: a@x.org\nTo: b@x.org\nCC: c@x.org\ncc: d@x.org\n\n"),
        to: ["a@x.org", "b@x.org"], cc: ["c@x.org", "d@x.org"]),
    SummaryCase(
        name: "headers after the empty line are body",
        raw: lf("Subject: real\n\nFrom: body@x.org\nMessage-ID: <body@x>\n"),
        subject: "real"),
    SummaryCase(
        name: "CRLF empty line ends the header",
        raw: crlf("Subject: real\n\nFrom: body@x.org\n"),
        subject: "real"),
    SummaryCase(
        name: "missing headers",
        raw: lf("X-Other: 1\n\nbody"),
        subject: nil),
    SummaryCase(name: "empty input", raw: [], subject: nil),
    SummaryCase(name: "only an empty line", raw: lf("\n"), subject: nil),
    SummaryCase(
        name: "no empty line at all",
        raw: lf("Subject: no body\nFrom: a@b.org"),
        fromAddress: "a@b.org", subject: "no body"),
    SummaryCase(
        name: "blank subject is empty, not nil",
        raw: lf("Subject:\nFrom: <>\n\n"),
        subject: ""),
    SummaryCase(
        name: "white space before the colon",
        raw: lf("Subject : spaced\nFROM\t: x@y.org\n\n"),
        fromAddress: "x@y.org", subject: "spaced"),
    SummaryCase(
        name: "mbox From_ line and garbage lines are skipped",
        raw: lf("From sender@x.org Mon Feb  3 10:00:00 2025\nthis is garbage\nSubject: after\n\n"),
        subject: "after"),
    SummaryCase(
        name: "encoded words in subject and name",
        raw: lf(
            "From: =?UTF-8?Q?J=C3=BCrgen_M=C3=BCller?= <jm@example.de>\n"
                + "Subject: =?utf-8?B?w4RwZmVs?= =?utf-8?B?IHVuZCBCaXJuZW4=?= und mehr\n\n"),
        fromAddress: "jm@example.de", fromName: "Jürgen Müller", subject: "Äpfel und Birnen und mehr"),
    SummaryCase(
        name: "raw UTF-8 bytes in headers",
        raw: lf("From: Zoë Ünal <zoe@example.com>\nSubject: Grüße aus Köln\n\n"),
        fromAddress: "zoe@example.com", fromName: "Zoë Ünal", subject: "Grüße aus Köln"),
    SummaryCase(
        name: "raw latin-1 bytes in headers",
        raw: lf("From: Ren") + [0xE9] + lf(" <rene@example.fr>\nSubject: caf") + [0xE9, 0x20, 0x80] + lf("\n\n"),
        fromAddress: "rene@example.fr", fromName: "René", subject: "café €"),
    SummaryCase(
        name: "group syntax",
        raw: lf("To: undisclosed-recipients:;\nCc: Team: a@x.org, B <b@x.org>;, c@x.org\n\n"),
        cc: ["a@x.org", "b@x.org", "c@x.org"]),
    SummaryCase(
        name: "comment as display name",
        raw: lf("From: jdoe@example.com (John Doe)\n\n"),
        fromAddress: "jdoe@example.com", fromName: "John Doe"),
    SummaryCase(
        name: "message-id without brackets and with a comment",
        raw: lf("Message-Id: bare-id@example.com (added by relay)\n\n"),
        messageID: "bare-id@example.com"),
    SummaryCase(
        name: "folded message-id",
        raw: crlf("Message-ID:\n <very-long-id@example.com>\n\n"),
        messageID: "very-long-id@example.com"),
    SummaryCase(
        name: "empty message-id",
        raw: lf("Message-ID: <>\n\n"),
        messageID: nil),
    SummaryCase(
        name: "date with comment zone",
        raw: lf("Date: Tue, 4 Mar 2025 08:15:30 +0000 (UTC)\n\n"),
        sentSeconds: 1_741_076_130),
    SummaryCase(
        name: "unreadable date",
        raw: lf("Date: sometime last week\n\n"),
        sentSeconds: nil),
    SummaryCase(
        name: "unknown charset in a display name stays raw",
        raw: lf("From: \"=?x-unknown-cs?q?abc?=\" <a@b.org>\n\n"),
        fromAddress: "a@b.org", fromName: "=?x-unknown-cs?q?abc?="),
    SummaryCase(
        name: "ISO-2022-JP display name",
        raw: lf("From: =?ISO-2022-JP?B?GyRCOzNFRBsoQg==?= <yamada@example.jp>\n\n"),
        fromAddress: "yamada@example.jp", fromName: "山田"),
    SummaryCase(
        name: "control bytes in the subject become spaces",
        raw: lf("Subject: a") + [0x00] + lf("b") + [0x7F] + lf("c\r\n\n"),
        subject: "a b c"),
    SummaryCase(
        name: "several From mailboxes: the first is the sender",
        raw: lf("From: First <a@x.org>, b@x.org\n\n"),
        fromAddress: "a@x.org", fromName: "First"),
    SummaryCase(
        name: "8-bit bytes in a field name do not match",
        raw: lf("S") + [0xFC] + lf("bject: x\nSubject: y\n\n"),
        subject: "y"),
    SummaryCase(
        name: "continuation line before any field is ignored",
        raw: lf("  stray continuation\nSubject: ok\n\n"),
        subject: "ok"),
    SummaryCase(
        name: "a 100 KB subject line within the scan limit",
        raw: lf("Subject: " + String(repeating: "s", count: 100_000) + "\nFrom: after@x.org\n\n"),
        fromAddress: "after@x.org", subject: String(repeating: "s", count: 100_000)),
    SummaryCase(
        name: "header block bigger than the scan limit stops there",
        raw: lf("Subject: early\n") + lf(String(repeating: "X-Pad: " + String(repeating: "p", count: 90) + "\n", count: 3000))
            + lf("From: late@x.org\n\n"),
        subject: "early"),
]

@Test("summary fields from header bytes", arguments: summaryCases)
func summaryFields(_ testCase: SummaryCase) {
    let summary = MessageSummary(parsing: testCase.raw)
    #expect(summary.messageID == testCase.messageID)
    #expect(summary.fromAddress == testCase.fromAddress)
    #expect(summary.fromName == testCase.fromName)
    #expect(summary.to == testCase.to)
    #expect(summary.cc == testCase.cc)
    #expect(summary.subject == testCase.subject)
    #expect(summary.sentDate.map { Int64($0.timeIntervalSince1970) } == testCase.sentSeconds)
}

@Test("a 50 MB message is summarized from its header only")
func hugeBodyIsNotScanned() {
    var raw = lf("Subject: big\nFrom: a@b.org\n\n")
    raw.append(contentsOf: [UInt8](repeating: UInt8(ascii: "x"), count: 50 * 1024 * 1024))
    let summary = MessageSummary(parsing: raw)
    #expect(summary.subject == "big")
    #expect(summary.fromAddress == "a@b.org")
}

@Test("parsing from a raw buffer equals parsing from an array")
func rawBufferInit() {
    let raw = crlf("From: A <a@b.org>\nSubject: s\n\n")
    let fromBuffer = raw.withUnsafeBytes { MessageSummary(parsing: $0) }
    #expect(fromBuffer == MessageSummary(parsing: raw))
}

@Test("CRLF and LF line endings give the same summary")
func lineEndingsAgree() {
    let text = """
        From: =?utf-8?q?A?= <a@x.org>
        To: b@x.org,
         c@x.org
        Subject: folded
          subject
        Date: Mon, 3 Feb 2025 10:00:00 +0100
        Message-ID: <m@x.org>

        body
        """
    let fromLF = MessageSummary(parsing: lf(text))
    #expect(fromLF == MessageSummary(parsing: crlf(text)))
    #expect(fromLF.to == ["b@x.org", "c@x.org"])
    #expect(fromLF.subject == "folded  subject")
}
