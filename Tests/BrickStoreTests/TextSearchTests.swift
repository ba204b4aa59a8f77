import BrickCore
import BrickStore
import Foundation
import Testing

/// The full-text index of the catalog: its query syntax and how backup and purge keep it.
struct TextSearchTests {
    @Test(arguments: [
        ("merger", "\"merger\""),
        ("carol@example.com", "\"carol@example.com\""),
        ("Re: contract", "\"Re:\" \"contract\""),
        ("\"annual report\" draft*", "\"annual report\" \"draft\" *"),
        ("tacos OR noon", "\"tacos\" OR \"noon\""),
        ("a NOT (b OR c)", "\"a\" NOT ( \"b\" OR \"c\" )"),
        ("OR merger AND", "\"OR\" \"merger\""),
        ("(unclosed \"phrase", "( \"unclosed\" \"phrase\" )"),
        ("say \"\"\"hi", "\"say\" \"\" \"hi\""),
        ("   ", "\"\""),
    ])
    func wordsBecomeAnFTS5QueryThatCannotBeASyntaxError(words: String, expected: String) {
        #expect(TextQuery.fts(words) == expected)
    }

    private func search(_ store: UserStore, text: String? = nil, subject: String? = nil, deleted: ItemQuery.DeletedFilter = .yes) throws -> [String] {
        var query = ItemQuery()
        query.text = text
        query.subject = subject
        query.deleted = deleted
        return try store.items(matching: query).map(\.key.rawValue).sorted()
    }

    @Test func theIndexFollowsBackupPurgeAndTextIndexing() throws {
        let dir = TemporaryDirectory()
        let store = try openStore(dir.url)
        try store.enableTextIndex()
        let run1 = try store.beginRun(kind: "backup", at: Date(timeIntervalSince1970: 1_700_000_000))
        let inbox = try store.ensureFolder(.inbox, run: run1).folder
        _ = try store.commit(ChangeBatch(added: [
            makeItem("k1", raw: makeMessage(from: "=?UTF-8?Q?J=C3=BCrgen?= <j@example.de>", subject: "=?UTF-8?B?R3LDvMOfZQ==?=", body: "Die Fusion.\r\n")),
            makeItem("k2", raw: makeMessage(subject: "Lunch", body: "Tacos at noon.\r\n")),
        ]), to: inbox, run: run1)
        #expect(try search(store, subject: "grüße") == ["k1"])
        #expect(try search(store, text: "jurgen") == ["k1"])
        #expect(try search(store, text: "fusion") == ["k1"])
        #expect(try search(store, text: "bob@example.org") == ["k1", "k2"])
        #expect(try search(store, text: "tac*") == ["k2"])
        #expect(try search(store, subject: "tacos").isEmpty)

        // A flag change keeps the text; a deletion leaves it searchable until purged.
        let run2 = try store.beginRun(kind: "backup", at: Date(timeIntervalSince1970: 1_700_000_100))
        _ = try store.commit(ChangeBatch(flagChanges: [FlagChange(key: "k1", flags: ItemFlags(system: .seen))], vanished: ["k2"]), to: inbox, run: run2)
        #expect(try search(store, text: "fusion") == ["k1"])
        #expect(try search(store, text: "tacos") == ["k2"])
        #expect(try search(store, text: "tacos", deleted: .no).isEmpty)
        _ = try store.purge(deletedBefore: .distantFuture, dryRun: false, run: nil)
        #expect(try search(store, text: "tacos").isEmpty)
        #expect(try search(store, text: "noon").isEmpty)

        // The same key back with other bytes: the index holds the new text only.
        let run3 = try store.beginRun(kind: "backup", at: Date(timeIntervalSince1970: 1_700_000_200))
        _ = try store.commit(ChangeBatch(added: [makeItem("k1", raw: makeMessage(subject: "Replaced", body: "Andere Worte.\r\n"))]), to: inbox, run: run3)
        #expect(try search(store, text: "fusion").isEmpty)
        #expect(try search(store, text: "worte") == ["k1"])
    }

    @Test func withoutTextIndexingOnlyHeadersAreSearchedUntilARebuild() throws {
        let dir = TemporaryDirectory()
        let store = try openStore(dir.url)
        let run = try store.beginRun(kind: "backup", at: Date(timeIntervalSince1970: 1_700_000_000))
        let inbox = try store.ensureFolder(.inbox, run: run).folder
        _ = try store.commit(ChangeBatch(added: [makeItem("k1", raw: makeMessage(subject: "Plan", body: "Secret merger.\r\n"))]), to: inbox, run: run)
        #expect(try search(store, text: "merger").isEmpty)
        #expect(try search(store, text: "plan") == ["k1"])
        #expect(try store.rebuildTextIndex() == (indexed: 1, skipped: 0))
        #expect(try store.indexesText)
        #expect(try search(store, text: "merger") == ["k1"])
    }
}
