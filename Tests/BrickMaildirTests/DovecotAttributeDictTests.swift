import BrickCore
import Foundation
import Testing
@testable import BrickMaildir

/// Dovecot's attribute dictionary file (annotations of a Maildir): its format, its
/// keys, read by the source and written by the target.
@Suite struct DovecotAttributeDictTests {
    private let inboxGUID = "4b0bde36fa340f6ba849000083ecc375"
    private let sharedGUID = "490bde36fa340f6ba849000083ecc375"

    /// The file Dovecot 2.3 wrote after SETMETADATA on Shared (a value with a line
    /// break), INBOX and the server.
    private var recorded: [UInt8] {
        Array(("priv/\(sharedGUID)/vendor/x/y\nmulti\u{01}nline\n"
            + "priv/\(inboxGUID)/comment\nprivate note\n"
            + "shared/\(sharedGUID)/comment\nteam folder\n"
            + "priv/\(inboxGUID)/vendor/vendor.dovecot/pvt/server/comment\nserver note\n").utf8)
    }

    /// A home with INBOX and Shared (each with a `dovecot-uidlist` naming its GUID)
    /// and the recorded dictionary beside the Maildir.
    private func home(dictionary: [UInt8]) throws -> (TemporaryDirectory, URL) {
        let directory = try TemporaryDirectory()
        let maildir = directory.url.appendingPathComponent("Maildir")
        for (folder, guid) in [("", inboxGUID), (".Shared", sharedGUID)] {
            for sub in ["cur", "new", "tmp"] {
                try FileManager.default.createDirectory(
                    at: maildir.appendingPathComponent(folder).appendingPathComponent(sub), withIntermediateDirectories: true)
            }
            try Data("3 V1796158714 N1 G\(guid)\n".utf8).write(to: maildir.appendingPathComponent(folder).appendingPathComponent("dovecot-uidlist"))
        }
        try Data(dictionary).write(to: directory.url.appendingPathComponent("dovecot-attributes"))
        return (directory, maildir)
    }

    @Test func valuesWithControlBytesRoundTripThroughDovecotsTabEscaping() {
        var dictionary = DovecotAttributeDict()
        dictionary.set("priv/g/a\tb", [0, 1, 9, 13, 10, 65])
        dictionary.set("shared/g/c", [])
        let bytes = dictionary.encoded()
        #expect(bytes == Array("priv/g/a\u{01}tb\n\u{01}0\u{01}1\u{01}t\u{01}r\u{01}nA\nshared/g/c\n\n".utf8))
        #expect(DovecotAttributeDict(parsing: bytes) == dictionary)
        #expect(DovecotAttributeDict(parsing: bytes + Array("torn/key\n".utf8)) == dictionary)
    }

    @Test func keysNameFolderAndServerAnnotationsAndDovecotsOwnKeysAreLeftOut() {
        #expect(DovecotAttributeDict.annotation(of: "priv/\(sharedGUID)/vendor/x/y", inboxGUID: inboxGUID)! == (sharedGUID, "/private/vendor/x/y", false))
        #expect(DovecotAttributeDict.annotation(of: "shared/\(inboxGUID)/comment", inboxGUID: inboxGUID)! == (inboxGUID, "/shared/comment", false))
        #expect(DovecotAttributeDict.annotation(of: "priv/\(inboxGUID)/vendor/vendor.dovecot/pvt/server/comment", inboxGUID: inboxGUID)!
            == (inboxGUID, "/private/comment", true))
        #expect(DovecotAttributeDict.annotation(of: "priv/\(inboxGUID)/vendor/vendor.dovecot/pvt/lastseen", inboxGUID: inboxGUID) == nil)
        #expect(DovecotAttributeDict.annotation(of: "other/\(inboxGUID)/comment", inboxGUID: inboxGUID) == nil)
        #expect(DovecotAttributeDict.annotation(of: "priv//comment", inboxGUID: inboxGUID) == nil)
        #expect(DovecotAttributeDict.key(entry: "/private/comment", guid: "g", server: true) == "priv/g/vendor/vendor.dovecot/pvt/server/comment")
        #expect(DovecotAttributeDict.key(entry: "/Shared/comment", guid: "g", server: false) == "shared/g/comment")
        #expect(DovecotAttributeDict.key(entry: "/shared/comment", guid: "g", server: true) == nil)
        #expect(DovecotAttributeDict.key(entry: "/other/comment", guid: "g", server: false) == nil)
    }

    @Test func theSourceGivesEachAnnotationToTheFolderOfItsGUIDAndCountsStrays() async throws {
        let stray = Array("priv/00000000000000000000000000000000/comment\nlost\n".utf8)
        let (directory, maildir) = try home(dictionary: recorded + stray)
        let snapshot = try await MaildirSource(root: maildir).readSettings()
        let shared = FolderPath(["Shared"])
        #expect(Set(snapshot.settings.filter { $0.kind == .metadata }) == [
            MailSetting(kind: .metadata, folder: shared, name: "/private/vendor/x/y", content: Array("multi\nline".utf8)),
            MailSetting(kind: .metadata, folder: .inbox, name: "/private/comment", content: Array("private note".utf8)),
            MailSetting(kind: .metadata, folder: shared, name: "/shared/comment", content: Array("team folder".utf8)),
            MailSetting(kind: .metadata, name: "/private/comment", content: Array("server note".utf8)),
        ])
        #expect(snapshot.covers(kind: .metadata, folder: shared))
        #expect(snapshot.notes.contains { $0.hasPrefix("1 annotations in ") && $0.contains("belong to no folder") })
        _ = directory
    }

    @Test func annotationsWrittenIntoAnEmptyMaildirGetNewGUIDsReadBackTheSameAndASecondWriteChangesNothing() async throws {
        let (directory, maildir) = try home(dictionary: recorded)
        let original = try await MaildirSource(root: maildir).readSettings().settings.filter { $0.kind == .metadata }
        let restored = try TemporaryDirectory()
        let targetRoot = restored.url.appendingPathComponent("Maildir")
        let serverShared = MailSetting(kind: .metadata, name: "/shared/comment", content: Array("x".utf8))
        let target = MaildirTarget(root: targetRoot)
        let first = try await target.writeSettings(original + [serverShared], overwrite: false)
        #expect(first.failures.isEmpty, "\(first.failures)")
        #expect(first.written.count == original.count)
        #expect(first.notKept == ["annotation /shared/comment of the server: Dovecot keeps no server-level /shared annotations"])
        let header = try String(contentsOf: targetRoot.appendingPathComponent(".Shared/dovecot-uidlist"), encoding: .utf8)
        #expect(DovecotUIDList(parsing: header).guid?.count == 32)
        let readBack = try await MaildirSource(root: targetRoot).readSettings().settings.filter { $0.kind == .metadata }
        #expect(Set(readBack) == Set(original))
        let second = try await target.writeSettings(original, overwrite: false)
        #expect(second.written.isEmpty && second.failures.isEmpty && second.unchanged == original.count)
        _ = directory
    }

    @Test func theAttributeFileGoesWhereTheTargetIsToldAndAVersion1UIDListIsAFailureNamingIt() async throws {
        let restored = try TemporaryDirectory()
        let targetRoot = restored.url.appendingPathComponent("Maildir")
        let elsewhere = restored.url.appendingPathComponent("dict/attributes").path
        let target = MaildirTarget(root: targetRoot, attributeDictionary: elsewhere)
        try FileManager.default.createDirectory(at: targetRoot.appendingPathComponent(".Old/cur"), withIntermediateDirectories: true)
        try Data("1 1796158714 5\n".utf8).write(to: targetRoot.appendingPathComponent(".Old/dovecot-uidlist"))
        let report = try await target.writeSettings([
            MailSetting(kind: .metadata, folder: .inbox, name: "/private/comment", content: Array("here".utf8)),
            MailSetting(kind: .metadata, folder: FolderPath(["Old"]), name: "/private/comment", content: Array("old".utf8)),
        ], overwrite: false)
        #expect(report.written.count == 1)
        #expect(report.failures.count == 1 && report.failures[0].contains("Old") && report.failures[0].contains("no mailbox GUID"))
        #expect(FileManager.default.fileExists(atPath: elsewhere))
        #expect(!FileManager.default.fileExists(atPath: restored.url.appendingPathComponent("dovecot-attributes").path))
    }
}
