import BrickCore
import Foundation
import Testing
@testable import BrickMaildir

/// Maildir++ directory names that do not decode cleanly are kept under their raw name.
@Suite struct MaildirOddFolderNamesTests {
    @Test func dotsOnlyAndEmptyPartsAreBackedUpUnderTheirRawNames() async throws {
        let temp = try TemporaryDirectory()
        for name in ["...", "....", ".a..b", ".c.", ".Sent"] {
            try makeFolder(temp.path + "/" + name)
            try writeFile(temp.path + "/" + name + "/cur/1.m.host:2,", message(name))
        }
        let source = MaildirSource(root: temp.url)
        let folders = try await source.listFolders()
        #expect(folders.map(\.path) == [
            .inbox, FolderPath(["..."]), FolderPath(["...."]), FolderPath([".a..b"]), FolderPath([".c."]), FolderPath(["Sent"]),
        ])
        for folder in folders where folder.path != .inbox {
            let store = FakeStore()
            try await sync(source, folder, into: store)
            #expect(store.items.count == 1, "\(folder.upstreamName)")
        }
    }

    @Test func rawNamedFoldersRoundTripThroughTheTarget() async throws {
        let temp = try TemporaryDirectory()
        let target = MaildirTarget(root: temp.url)
        for path in [FolderPath(["..."]), FolderPath([".a..b"])] {
            let item = RestoreItem(key: "k", flags: .none, internalDate: Date(timeIntervalSince1970: 1_700_000_000), messageID: nil,
                                   raw: Array(message(path.name).utf8))
            _ = try await target.append([item], to: path)
        }
        try await target.finish()
        let listed = try await MaildirSource(root: temp.url).listFolders().map(\.path)
        #expect(listed == [.inbox, FolderPath(["..."]), FolderPath([".a..b"])])
    }
}

/// The fs layout's depth limit is reported, never silent.
@Suite struct MaildirFolderDepthTests {
    @Test func foldersBelowTheDepthLimitAreReportedSkipped() async throws {
        let temp = try TemporaryDirectory()
        let names = (1...(MaildirSource.maximumFolderDepth + 1)).map { "d\($0)" }
        try makeFolder(temp.path + "/" + names.joined(separator: "/"))
        let source = MaildirSource(root: temp.url, layout: .fs)
        let folders = try await source.listFolders()
        #expect(folders.count == 1 + MaildirSource.maximumFolderDepth)
        let skipped = source.takeSkippedEntries()
        #expect(skipped.map(\.reason) == [.nestedTooDeep(limit: MaildirSource.maximumFolderDepth)])
        #expect(skipped.first?.name == names.prefix(MaildirSource.maximumFolderDepth).joined(separator: "/"))
    }
}
