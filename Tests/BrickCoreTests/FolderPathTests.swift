import BrickCore
import Testing

@Suite struct FolderPathTests {
    @Test func textFormEscapesSlashesAndBackslashes() {
        let path = FolderPath(["a/b", "c\\d", "e"])
        #expect(path.description == "a\\/b/c\\\\d/e")
        #expect(FolderPath(parsing: path.description) == path)
    }

    /// Found by tools/fuzz folder-path: a `/` followed by a combining mark (U+0735 here)
    /// formed one character with it, so parsing lost the separator.
    @Test func combiningMarkAfterSeparatorKeepsComponentsApart() {
        let found: [UInt8] = [0x2F, 0x2F, 0x00, 0xDC, 0xB5, 0x2F, 0x2F, 0x00, 0x00, 0x00, 0x2F, 0x2F, 0x2F, 0x2E]
        let components = found.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
        let path = FolderPath(components)
        #expect(FolderPath(parsing: path.description).components.map { Array($0.unicodeScalars) }
                == components.map { Array($0.unicodeScalars) })
        #expect(FolderPath(parsing: "a/\u{0735}b").components == ["a", "\u{0735}b"])
        #expect(FolderPath(parsing: "a\\/\u{0735}").components == ["a/\u{0735}"])
    }

    @Test func parsingDropsEmptyComponents() {
        #expect(FolderPath(parsing: "/Archive//2025/") == FolderPath(["Archive", "2025"]))
    }

    @Test func emptyComponentsSurviveTheTextForm() {
        for path in [FolderPath(["a", "", "b"]), FolderPath(["", "x"]), FolderPath(["x", ""]), FolderPath(["0", "\\0", ""])] {
            #expect(FolderPath(parsing: path.description) == path, "\(path.components)")
        }
        #expect(FolderPath(["a", "", "b"]).description == "a/\\0/b")
        #expect(FolderPath(parsing: "a/0/b") == FolderPath(["a", "0", "b"]))
    }

    @Test func ancestryAndParents() {
        let path = FolderPath(["Archive", "2025", "Q1"])
        #expect(path.isWithin(FolderPath(["Archive"])))
        #expect(path.isWithin(path))
        #expect(!FolderPath(["Archive2"]).isWithin(FolderPath(["Archive"])))
        #expect(path.parent == FolderPath(["Archive", "2025"]))
        #expect(FolderPath.inbox.parent == .root)
        #expect(path.name == "Q1" && path.depth == 3)
    }
}

@Suite struct ItemFlagsTests {
    @Test func imapNamesRoundTripAndRecentIsDropped() {
        let flags = ItemFlags(imapNames: ["\\Seen", "\\recent", "\\FLAGGED", "$Label1", "Work", "Work", "\\Unknown"])
        #expect(flags.system == [.seen, .flagged])
        #expect(flags.keywords == ["$Label1", "Work"])
        #expect(ItemFlags(catalogText: flags.description) == flags)
        #expect(flags.description == "\\Seen \\Flagged $Label1 Work")
    }

    @Test func forwardedIsTheDollarForwardedKeyword() {
        #expect(ItemFlags(imapNames: ["$Forwarded"]).system == [.forwarded])
    }

    @Test func specialUseFromAttributesAndNames() {
        #expect(SpecialUse(attribute: "\\junk") == .junk)
        #expect(SpecialUse(guessingFromName: "Deleted Items") == .trash)
        #expect(SpecialUse(guessingFromName: "Bulk Mail") == .junk)
        #expect(SpecialUse(guessingFromName: "Projects") == nil)
    }
}
