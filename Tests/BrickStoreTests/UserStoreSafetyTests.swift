import BrickCore
import BrickStore
import Foundation
import GRDB
import Testing

@Suite struct UserStoreSafetyTests {
    @Test func secondWriterIsRefusedWithTheHoldersPID() throws {
        let dir = TemporaryDirectory()
        let first = try openStore(dir.url)
        #expect(first.isWritable)
        do {
            _ = try openStore(dir.url)
            Issue.record("second writer was allowed")
        } catch let StoreError.locked(user, _, pid) {
            #expect(user == "alice")
            #expect(pid == getpid())
        }
    }

    @Test func readerMayOpenBesideAWriter() throws {
        let dir = TemporaryDirectory()
        let writer = try openStore(dir.url)
        let run = try writer.beginRun(kind: "backup")
        let folder = try writer.ensureFolder(.inbox, run: run).folder
        _ = try writer.commit(ChangeBatch(added: [makeItem("a")]), to: folder, run: run)
        let reader = try openStore(dir.url, mode: .readOnly)
        let item = try #require(try reader.items(matching: ItemQuery()).first)
        #expect(try reader.readItem(item).raw.count == Int(item.size))
        #expect(throws: StoreError.self) { try reader.beginRun(kind: "backup") }
    }

    @Test func missingStoreIsReportedForReaders() throws {
        let dir = TemporaryDirectory()
        #expect(throws: StoreError.self) { try openStore(dir.url, user: "nobody", mode: .readOnly) }
    }

    @Test(arguments: ["", "..", ".", "a/b", "x\0y", "alice\nbob", "tab\there", "esc\u{1B}[31m", "del\u{7F}", "c1\u{85}"])
    func unsafeUserNamesAreRefused(name: String) {
        #expect(throws: StoreError.self) { try StoreLayout(root: URL(fileURLWithPath: "/tmp"), user: name) }
    }

    @Test func filesArePrivate() throws {
        let dir = TemporaryDirectory()
        let store = try openStore(dir.url)
        let run = try store.beginRun(kind: "backup")
        let folder = try store.ensureFolder(FolderPath(["A", "B"]), run: run).folder
        _ = try store.commit(ChangeBatch(added: [makeItem("a")]), to: folder, run: run)
        let walker = try #require(FileManager.default.enumerator(atPath: store.layout.userDirectory.path))
        var checked = 0
        for case let relative as String in walker {
            let path = store.layout.userDirectory.path + "/" + relative
            var info = stat()
            #expect(stat(path, &info) == 0)
            let mode = info.st_mode & 0o777
            let isDirectory = (info.st_mode & S_IFMT) == S_IFDIR
            #expect(mode == (isDirectory ? 0o700 : 0o600), "\(relative) has mode \(String(mode, radix: 8))")
            checked += 1
        }
        #expect(checked > 6)
    }

    @Test func storeOfANewerFormatIsRefused() throws {
        let dir = TemporaryDirectory()
        do {
            let store = try openStore(dir.url)
            _ = try store.beginRun(kind: "backup")
        }
        let catalog = try DatabaseQueue(path: dir.url.appendingPathComponent("alice/catalog.sqlite").path)
        try catalog.write { db in try db.execute(sql: "UPDATE meta SET value = '99' WHERE key = 'format_version'") }
        do {
            _ = try openStore(dir.url)
            Issue.record("newer format was opened")
        } catch let StoreError.formatTooNew(_, found, supported) {
            #expect(found == 99 && supported == 11)
        }
    }
}
