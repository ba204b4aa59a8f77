@testable import BrickIMAP
import Foundation
import Testing

/// Recorded Dovecot 2.3 sessions (Fixtures/imap/*.server: the server's bytes;
/// *.client: what the client sent, for humans).
@Suite("Recorded Dovecot transcripts")
struct TranscriptTests {
    private func load(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: fixtureURL(name)))
    }

    @Test("every response of session 1 parses, fed whole and one byte at a time")
    func session1ParsesWholeAndByteByByte() throws {
        let bytes = try load("dovecot-session-1.server")
        let whole = try parseAll(bytes)
        var framer = ResponseFramer()
        var single: [Response] = []
        for byte in bytes {
            framer.append([byte])
            while let frame = try framer.nextFrame() { single.append(try ResponseParser.parse(frame)) }
        }
        #expect(whole == single)
        #expect(whole.count == 91)
    }

    @Test("session 1 shows LIST-STATUS, special use, modified UTF-7 names and bodies")
    func session1Content() throws {
        let responses = try parseAll(try load("dovecot-session-1.server"))
        let lists = responses.compactMap { response -> MailboxListEntry? in
            if case .untagged(.list(let entry)) = response { return entry }
            return nil
        }
        #expect(lists.map(\.name) == ["Caf&AOk- &- Bar", "Archive", "Archive/2024", "Drafts", "Sent", "Trash", "Junk", "INBOX"])
        #expect(lists.map(\.specialUseAttribute) == [nil, nil, nil, "\\Drafts", "\\Sent", "\\Trash", "\\Junk", nil])
        #expect(lists[1].isSelectable == false)
        #expect(MailboxName.path(ofWireName: lists[0].name, delimiter: lists[0].delimiter).components == ["Café & Bar"])
        let statuses = responses.compactMap { response -> MailboxStatus? in
            if case .untagged(.mailboxStatus(_, let status)) = response { return status }
            return nil
        }
        #expect(statuses.first?.uidValidity == 1795438962)
        let bodies = responses.compactMap { response -> [UInt8]? in
            if case .untagged(.fetch(_, let attributes)) = response { return attributes.body(section: "") }
            return nil
        }
        #expect(bodies.count == 6)
        #expect(String(decoding: bodies[1], as: UTF8.self).contains("Grüße aus München"))
        #expect(responses.contains(.untagged(.vanished(earlier: true, uids: UIDSet([3])))))
        #expect(responses.contains(.untagged(.status(.bye, ResponseText(text: "Logging out")))))
    }

    @Test("session 2 shows QRESYNC select, failed login and NO codes")
    func session2Content() throws {
        let responses = try parseAll(try load("dovecot-session-2.server"))
        #expect(responses.contains(.tagged(TaggedResponse(tag: "a1", status: .no, text: ResponseText(code: .other("AUTHENTICATIONFAILED", nil), text: "Authentication failed.")))))
        #expect(responses.contains(.untagged(.fetch(sequence: 1, attributes: [.uid(1), .flags(["\\Answered", "\\Seen"]), .modSeq(7)]))))
        #expect(responses.contains(.untagged(.mailboxStatus(name: "Sent", status: MailboxStatus(messages: 0, size: 0)))))
        let tagged = responses.compactMap { response -> TaggedResponse? in
            if case .tagged(let tagged) = response { return tagged }
            return nil
        }
        #expect(tagged.count == 14)
        #expect(tagged[5].text.code == .alreadyExists)
    }
}
