import BrickCore
import Foundation
import Testing
@testable import BrickMaildir

@Suite struct MaildirFoldersTests {
    @Test func maildirPlusPlusFixtureFoldersAreDecodedAndOrdered() async throws {
        let source = MaildirSource(root: fixturesRoot.appendingPathComponent("alice/Maildir"), layout: .maildirPlusPlus)
        let folders = try await source.listFolders()
        #expect(folders.map(\.path.description) == [
            "INBOX", "Archive", "Archive/2025", "Archive/2025/Q1", "Drafts", "Résumé & Notes", "Sent", "Trash",
            "été", "Отчёты",
        ])
        let byName = Dictionary(uniqueKeysWithValues: folders.map { ($0.path.description, $0) })
        #expect(byName["été"]?.upstreamName == ".&AOk-t&AOk-")
        #expect(byName["Résumé & Notes"]?.upstreamName == ".R&AOk-sum&AOk- &- Notes")
        #expect(byName["Отчёты"]?.upstreamName == ".&BB4EQgRHBFEEQgRL-")
        #expect(byName["INBOX"]?.upstreamName == ".")
    }

    @Test func parentsImpliedByNameAreNotSelectable() async throws {
        let source = MaildirSource(root: fixturesRoot.appendingPathComponent("alice/Maildir"))
        let folders = try await source.listFolders()
        let archive = try #require(folders.first { $0.path == FolderPath(["Archive"]) })
        #expect(!archive.selectable)
        #expect(archive.upstreamName == ".Archive")
        #expect(folders.first { $0.path == FolderPath(["Archive", "2025"]) }?.selectable == false)
        #expect(folders.first { $0.path == FolderPath(["Archive", "2025", "Q1"]) }?.selectable == true)
    }

    @Test func specialUseIsGuessedFromTopLevelNames() async throws {
        let source = MaildirSource(root: fixturesRoot.appendingPathComponent("bob/Maildir"))
        let folders = try await source.listFolders()
        let uses = Dictionary(uniqueKeysWithValues: folders.map { ($0.path.description, $0.specialUse) })
        #expect(uses["Junk"] == .junk)
        #expect(uses["Trash"] == .trash)
        #expect(uses["Projects"] == .some(nil))
        #expect(uses["INBOX"] == .some(nil))
        #expect(folders.map(\.path.description).contains("日本語"))
        #expect(folders.map(\.path.description).contains("Q&A"))
        #expect(folders.map(\.path.description).contains("Projects/Brick"))
    }

    @Test func identityComesFromDovecotUIDList() async throws {
        let source = MaildirSource(root: fixturesRoot.appendingPathComponent("alice/Maildir"))
        let folders = try await source.listFolders()
        #expect(folders[0].identity == "uidvalidity:1700000000")
        #expect(folders[0].sizeHint == 16)
        #expect(folders.first { $0.path == FolderPath(["Archive", "2025", "Q1"]) }?.identity == "uidvalidity:1735700000")
        #expect(folders.first { $0.path == FolderPath(["Sent"]) }?.identity == nil)
    }

    @Test func fsLayoutFoldersAreNestedDirectories() async throws {
        let temp = try TemporaryDirectory()
        let root = temp.path + "/Maildir"
        try makeFolder(root)
        try makeFolder(root + "/Work")
        try makeFolder(root + "/Work/Projects")
        try makeFolder(root + "/Parent/Child")
        try makeFolder(root + "/&AOk-t&AOk-")
        for layout in [MaildirLayout.fs, .auto] {
            let source = MaildirSource(root: URL(fileURLWithPath: root), layout: layout)
            #expect(try source.resolvedLayout() == .fs)
            let folders = try await source.listFolders()
            #expect(folders.map(\.path.description) == ["INBOX", "Parent", "Parent/Child", "Work", "Work/Projects", "été"])
            #expect(folders.map(\.upstreamName) == [".", "Parent", "Parent/Child", "Work", "Work/Projects", "&AOk-t&AOk-"])
            #expect(folders.map(\.selectable) == [true, false, true, true, true, true])
        }
    }

    @Test func fsLayoutFolderIsSynchronizedFromItsNestedDirectory() async throws {
        let temp = try TemporaryDirectory()
        try makeFolder(temp.path + "/Work/Projects")
        try writeFile(temp.path + "/Work/Projects/cur/100.a.host:2,FS", message("a"))
        let source = MaildirSource(root: temp.url, layout: .fs)
        let folder = try #require(try await source.listFolders().first { $0.path == FolderPath(["Work", "Projects"]) })
        let store = FakeStore()
        try await sync(source, folder, into: store)
        #expect(store.items["100.a.host"]?.flags == ItemFlags(system: [.flagged, .seen]))
    }

    @Test func strayNamesThatWouldMergeWithAnotherFolderStayApart() async throws {
        let temp = try TemporaryDirectory()
        for name in ["", "/.Sent", "/..Sent", "/.INBOX", "/.INBOX.Sub"] { try makeFolder(temp.path + name) }
        let folders = try await MaildirSource(root: temp.url, layout: .maildirPlusPlus).listFolders()
        #expect(folders.map(\.path) == [
            .inbox, FolderPath(["..Sent"]), FolderPath([".INBOX"]), FolderPath(["INBOX", "Sub"]), FolderPath(["Sent"]),
        ])
        #expect(folders.map(\.upstreamName) == [".", "..Sent", ".INBOX", ".INBOX.Sub", ".Sent"])
    }

    @Test func autoDetectsMaildirPlusPlusFromDotDirectories() throws {
        let source = MaildirSource(root: fixturesRoot.appendingPathComponent("alice/Maildir"), layout: .auto)
        #expect(try source.resolvedLayout() == .maildirPlusPlus)
    }

    @Test func listescapeSequencesDecodeAndEncode() {
        #expect(FolderNameEscape.decode("v1\\2e2") == "v1.2")
        #expect(FolderNameEscape.decode("a\\2fb\\5c") == "a/b\\")
        #expect(FolderNameEscape.decode("plain\\41") == "plain\\41")
        #expect(FolderNameEscape.encode("été v1.2") == "&AOk-t&AOk- v1\\2e2")
        #expect(FolderNameEscape.encode("Q&A") == "Q&-A")
    }

    @Test func missingRootIsAnError() async throws {
        let source = MaildirSource(root: URL(fileURLWithPath: "/nonexistent/brick/Maildir"))
        await #expect(throws: MaildirError.self) { try await source.listFolders() }
    }

    @Test func upstreamNamesCannotLeaveTheRoot() async throws {
        let source = MaildirSource(root: fixturesRoot.appendingPathComponent("alice/Maildir"))
        let store = FakeStore()
        for name in ["../bob/Maildir", "/etc", ".Sent/../../bob", ""] {
            let folder = SourceFolder(path: FolderPath(["x"]), upstreamName: name)
            await #expect(throws: MaildirError.self) { try await sync(source, folder, into: store) }
        }
    }
}
