@testable import BrickIMAP
import BrickCore
import BrickTestSupport
import Testing

@Suite("Mailbox names that decode to the same path")
struct FolderNameCollisionTests {
    private static func entry(_ name: String) -> MailboxListEntry {
        MailboxListEntry(attributes: [], delimiter: "/", name: name)
    }

    @Test("the canonical name keeps the decoded path; the other is kept under its raw name, none is dropped")
    func everyNameGetsAPath() {
        let listed = [Self.entry("&x"), Self.entry("&-x"), Self.entry("Inbox/a"), Self.entry("INBOX/a"), Self.entry("INBOX")]
        let paths = FolderLister.distinctPaths(listed)
        let byName = Dictionary(uniqueKeysWithValues: paths.map { ($0.0.name, $0.1) })
        #expect(paths.count == 5)
        #expect(Set(paths.map(\.1)).count == 5)
        #expect(byName["&-x"] == FolderPath(["&x"]))
        #expect(byName["&x"] == FolderPath(["&x [&x]"]))
        #expect(byName["INBOX/a"] == FolderPath(["INBOX", "a"]))
        #expect(byName["Inbox/a"] == FolderPath(["Inbox", "a"]))
        #expect(byName["INBOX"] == .inbox)
    }

    @Test("the choice does not depend on the order of the LIST responses")
    func orderDoesNotMatter() {
        let names = ["&x", "&-x", "Inbox/a", "INBOX/a"]
        let forward = FolderLister.distinctPaths(names.map(Self.entry)).map { "\($0.0.name)=\($0.1)" }
        let backward = FolderLister.distinctPaths(names.reversed().map(Self.entry)).map { "\($0.0.name)=\($0.1)" }
        #expect(Set(forward) == Set(backward))
    }

    @Test("listing a server with colliding names returns every mailbox with its raw upstream name")
    func listerKeepsBoth() async throws {
        let server = try ScriptedIMAPServer(greeting: "* OK [CAPABILITY IMAP4rev1] ready\r\n") { tag, command in
            if command.uppercased().hasPrefix("LIST") {
                return "* LIST () \"/\" \"&-x\"\r\n* LIST () \"/\" \"&x\"\r\n* LIST () \"/\" INBOX\r\n\(tag) OK listed\r\n"
            }
            if command.uppercased().hasPrefix("STATUS") {
                let name = command.split(separator: " ")[1]
                return "* STATUS \(name) (MESSAGES 1 UIDVALIDITY \(name.count))\r\n\(tag) OK status\r\n"
            }
            return command.uppercased() == "LOGOUT" ? "* BYE\r\n\(tag) OK bye\r\n" : "\(tag) OK done\r\n"
        }
        let endpoint = IMAPEndpoint(host: "127.0.0.1", port: server.port, tls: .never, connectTimeout: 5, readTimeout: 5)
        let connection = try await IMAPConnection.connect(to: endpoint, logger: testLogger)
        let folders = try await FolderLister(connection: connection).list()
        await connection.close()
        #expect(folders.map(\.upstreamName).sorted() == ["&-x", "&x", "INBOX"])
        #expect(Set(folders.map(\.path)) == [.inbox, FolderPath(["&x"]), FolderPath(["&x [&x]"])])
        #expect(folders.first { $0.upstreamName == "&x" }?.identity == "uidvalidity:4")
    }
}
