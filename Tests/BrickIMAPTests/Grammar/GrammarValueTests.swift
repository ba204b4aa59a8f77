@testable import BrickCore
@testable import BrickIMAP
import Foundation
import Testing

@Suite("Sequence sets, dates, names")
struct GrammarValueTests {
    @Test("UID sets merge ranges and print compactly")
    func uidSetMergesAndPrints() {
        var set = UIDSet([5, 1, 2, 3, 9, 10])
        #expect(set.description == "1:3,5,9:10")
        set.insert(4...4)
        #expect(set.description == "1:5,9:10")
        set.insert(11...UInt32.max)
        #expect(set.description == "1:5,9:*")
        #expect(set.contains(100_000))
        #expect(!set.contains(7))
        #expect(UIDSet([7]).values == [7])
        #expect(UIDSet().isEmpty)
    }

    @Test("INTERNALDATE parses zones and formats in UTC", arguments: [
        ("17-Jul-1996 02:44:25 -0700", 837_596_665.0),
        ("01-Jan-1970 00:00:00 +0000", 0.0),
        ("29-Feb-2024 23:59:59 +0000", 1_709_251_199.0),
        (" 1-Mar-2024 01:00:00 +0100", 1_709_251_200.0),
    ])
    func internalDate(_ text: String, _ seconds: Double) {
        #expect(InternalDate.parse(text) == Date(timeIntervalSince1970: seconds))
        let formatted = InternalDate.format(Date(timeIntervalSince1970: seconds))
        #expect(InternalDate.parse(formatted) == Date(timeIntervalSince1970: seconds))
    }

    @Test("INTERNALDATE formatting is fixed-width UTC")
    func internalDateFormat() {
        #expect(InternalDate.format(Date(timeIntervalSince1970: 837_596_665)) == "17-Jul-1996 09:44:25 +0000")
        #expect(InternalDate.format(Date(timeIntervalSince1970: -1)) == "31-Dec-1969 23:59:59 +0000")
        #expect(InternalDate.parse("32-Foo-2024 00:00:00 +0000") == nil)
    }

    @Test("INTERNALDATE fields out of range are refused, however many digits they have")
    func internalDateOutOfRange() {
        #expect(InternalDate.parse("1-Mar-2024 99999999999999999:00:00 +0100") == nil)
        #expect(InternalDate.parse("1-Mar-9223372036854775807 10:00:00 +0100") == nil)
        #expect(InternalDate.parse("99999999999999-Mar-2024 10:00:00 +0100") == nil)
        #expect(InternalDate.parse("32-Mar-2024 10:00:00 +0100") == nil)
        #expect(InternalDate.parse("1-Mar-2024 24:00:00 +0100") == nil)
        #expect(InternalDate.parse("1-Mar-2024 10:60:00 +0100") == nil)
        #expect(InternalDate.parse("1-Mar-2024 10:00:00 +0160") == nil)
        #expect(InternalDate.parse("1-Mar-2024 23:59:60 +0000") == Date(timeIntervalSince1970: 1_709_337_600))
    }

    @Test("folder paths become wire names and back")
    func mailboxNames() throws {
        let path = FolderPath(["Archiv", "Café & Bar", "日本"])
        let wire = try MailboxName.wireName(of: path, delimiter: "/")
        #expect(wire == "Archiv/Caf&AOk- &- Bar/&ZeVnLA-")
        #expect(MailboxName.path(ofWireName: wire, delimiter: "/") == path)
        #expect(MailboxName.path(ofWireName: "inbox", delimiter: "/") == .inbox)
        #expect(MailboxName.path(ofWireName: "INBOX.Sent", delimiter: ".") == FolderPath(["INBOX", "Sent"]))
        #expect(throws: IMAPError.self) { try MailboxName.wireName(of: FolderPath(["a/b"]), delimiter: "/") }
        #expect(MailboxName.argument("a\"b\\c") == "\"a\\\"b\\\\c\"")
    }
}
