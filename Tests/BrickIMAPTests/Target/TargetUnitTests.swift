@testable import BrickIMAP
import BrickCore
import BrickMessage
import Foundation
import Testing

@Suite("Restore helpers")
struct TargetUnitTests {
    @Test("Message-ID is read unfolded, without brackets and spaces; absent or empty gives nil", arguments: [
        ("Message-ID: <m1@example.org>\r\n\r\n", "m1@example.org"),
        ("message-id:   <m2@example.org>  \r\n\r\n", "m2@example.org"),
        ("Message-ID:\r\n <m3@example.org>\r\n\r\n", "m3@example.org"),
        ("Message-ID: < m4 @example.org> (comment)\r\n\r\n", "m4@example.org"),
        ("Message-ID: bare@example.org trailing\r\n\r\n", "bare@example.org"),
        ("Message-ID: <unclosed@example.org\r\n\r\n", "unclosed@example.org"),
        ("\r\n", nil),
        ("Message-ID: \r\n\r\n", nil),
        ("Message-ID: <>\r\n\r\n", nil),
    ] as [(String, String?)])
    func messageID(_ header: String, _ expected: String?) {
        #expect(MessageSummary(parsing: Array(header.utf8)).messageID == expected)
    }

    @Test("APPEND keeps system flags and atom keywords, drops \\Recent and odd keywords")
    func appendFlags() throws {
        let item = RestoreItem(
            key: "1.1", flags: ItemFlags(system: [.seen, .forwarded], keywords: ["Work", "bad word", "\u{e4}"]),
            internalDate: Date(timeIntervalSince1970: 10), messageID: nil, raw: [65])
        let message = try IMAPTarget.message(for: item)
        #expect(message.flags == ["\\Seen", "$Forwarded", "Work"])
        #expect(message.internalDate == Date(timeIntervalSince1970: 10))
    }

    @Test("APPEND sends CRLF line ends: a Maildir message with bare LF goes in as CRLF")
    func appendLineEnds() throws {
        let item = RestoreItem(key: "1.1", flags: .none, internalDate: Date(), messageID: nil, raw: Array("Subject: x\n\nbody\n".utf8))
        #expect(try IMAPTarget.message(for: item).data == Array("Subject: x\r\n\r\nbody\r\n".utf8))
    }

    @Test("endpoints parse from URLs")
    func endpoints() throws {
        let plain = try IMAPEndpoint(url: "imap://mail.example.com")
        #expect(plain.port == 143 && plain.tls == .startTLS && plain.host == "mail.example.com")
        let secure = try IMAPEndpoint(url: "imaps://mail.example.com:1993", caFile: "/ca.pem")
        #expect(secure.port == 1993 && secure.tls == .implicit && secure.caFile == "/ca.pem")
        let v6 = try IMAPEndpoint(url: "imap://[::1]:1143", tls: .never)
        #expect(v6.host == "::1" && v6.port == 1143 && v6.tls == .never)
        #expect(v6.description == "imap://[::1]:1143")
        #expect(try IMAPEndpoint(url: "IMAP://h/", tls: .startTLS).tls == .startTLS)
        for bad in ["http://x", "imap://", "imap://x:0", "imap://x:y", "imap://user:pw@x"] {
            #expect(throws: IMAPError.self) { try IMAPEndpoint(url: bad) }
        }
        #expect(throws: IMAPError.self) { try IMAPEndpoint(url: "imaps://x", tls: .never) }
        #expect(IMAPCredentials(user: "alice", password: "secret", adminUser: "admin").description == "alice (as admin admin)")
    }

    @Test("digest identities ignore the difference between LF and CRLF line ends")
    func digestIdentity() {
        let crlf = MessageFingerprint.digestIdentity(Array("a\r\nb\r\n".utf8))
        #expect(crlf == "sha256:" + SHA256Digest.hex(Array("a\r\nb\r\n".utf8)))
        #expect(MessageFingerprint.digestIdentity(Array("a\nb\n".utf8)) == crlf)
        #expect(MessageFingerprint.digestIdentity(Array("a\nb\r\n".utf8)) == crlf)
    }
}

@Test("Cyrus 3.6 is not asked for MAILBOXID in STATUS; other servers and versions are")
func serverQuirksFromID() {
    #expect(ServerQuirks(serverID: ["name": "Cyrus IMAPD", "version": "3.6.1-Debian-3.6.1-4+deb12u5"]).statusMailboxIDIsGarbage)
    #expect(!ServerQuirks(serverID: ["name": "Cyrus IMAPD", "version": "3.8.2"]).statusMailboxIDIsGarbage)
    #expect(!ServerQuirks(serverID: ["name": "Dovecot", "version": "2.3.19.1"]).statusMailboxIDIsGarbage)
    #expect(!ServerQuirks(serverID: [:]).statusMailboxIDIsGarbage)
}
