import BrickCore
import BrickRestore
import BrickStore
import Foundation
import Testing

/// 2025-02-03T09:00:00Z.
private let received: TimeInterval = 1_738_573_200

private func twoMessages() -> [SourceItem] {
    [
        sourceItem("1", "Message-ID: <one@x>\r\nSubject: one\r\n\r\nbody\r\n", at: received, flags: ItemFlags(system: [.seen])),
        sourceItem("2", "Subject: no id\r\n\r\nbody two\r\n", at: received + 60, flags: ItemFlags(system: [.seen])),
    ]
}

@Suite("RestoreJob with and without --overwrite")
struct RestoreJobOverwriteTests {
    @Test("without overwrite a second run skips what is there and removes nothing")
    func secondRunSkips() async throws {
        let scratch = try ScratchStore()
        try scratch.add(twoMessages())
        let target = MemoryTarget()
        let first = try await scratch.restore(into: target, overwrite: false)
        #expect(first.restored == 2 && first.replaced == 0)
        let second = try await scratch.restore(into: target, overwrite: false)
        #expect(second.restored == 0 && second.skippedDuplicates == 2 && second.replaced == 0)
        #expect(await target.messages[.inbox]?.count == 2)
        #expect(await target.log.allSatisfy { $0.hasPrefix("append") })
    }

    @Test("overwrite leaves one copy per message, with the flags of the backup, and counts the replaced")
    func overwriteReplaces() async throws {
        let scratch = try ScratchStore()
        try scratch.add(twoMessages())
        let target = MemoryTarget()
        _ = try await scratch.restore(into: target, overwrite: false)
        let newFlags = ItemFlags(system: [.seen, .flagged], keywords: ["Work"])
        try scratch.setFlags(newFlags, of: ["1", "2"])

        let report = try await scratch.restore(into: target, overwrite: true)
        #expect(report.restored == 2 && report.replaced == 2 && report.skippedDuplicates == 0 && report.failures.isEmpty)
        let held = await target.messages[.inbox] ?? []
        #expect(held.map(\.key).sorted() == ["1", "2"])
        #expect(held.allSatisfy { $0.flags == newFlags })

        let again = try await scratch.restore(into: target, overwrite: true)
        #expect(again.replaced == 2)
        #expect(await target.messages[.inbox]?.count == 2)
    }

    @Test("overwrite appends the new copy before it removes the old one, and leaves other messages alone")
    func appendBeforeRemove() async throws {
        let scratch = try ScratchStore()
        try scratch.add(twoMessages())
        let target = MemoryTarget()
        _ = try await scratch.restore(into: target, overwrite: false)
        let stranger = try await target.append(
            [RestoreItem(key: "other", flags: .none, internalDate: Date(timeIntervalSince1970: received), messageID: nil,
                         raw: Array("Message-ID: <other@x>\r\n\r\nnot in the backup\r\n".utf8))], to: .inbox)
        #expect(stranger.allSatisfy { $0 == nil })
        let logBefore = await target.log.count

        _ = try await scratch.restore(into: target, overwrite: true)
        let log = Array(await target.log.dropFirst(logBefore))
        #expect(log == ["append 1", "append 2", "remove m1", "remove m2"])
        #expect(await target.messages[.inbox]?.map(\.key).sorted() == ["1", "2", "other"])
    }

    @Test("an item whose new copy failed keeps its old copy, and the failure is reported")
    func failedAppendKeepsOldCopy() async throws {
        let scratch = try ScratchStore()
        try scratch.add(twoMessages())
        let target = MemoryTarget()
        _ = try await scratch.restore(into: target, overwrite: false)
        await target.failAppends(of: ["2"])

        let report = try await scratch.restore(into: target, overwrite: true)
        #expect(report.restored == 1 && report.replaced == 1 && report.failures.count == 1)
        let held = await target.messages[.inbox] ?? []
        #expect(held.map(\.copy.locator) == ["m2", "m3"])
        #expect(held.map(\.key) == ["2", "1"])
        #expect(await target.log.last == "remove m1")
    }

    @Test("an interrupted replacement that left two copies ends with one after the next run")
    func duplicatesConverge() async throws {
        let scratch = try ScratchStore()
        try scratch.add(twoMessages())
        let target = MemoryTarget()
        _ = try await scratch.restore(into: target, overwrite: false)
        let items = try scratch.store.items(matching: ItemQuery()).map { item in
            RestoreItem(key: item.key, flags: item.flags, internalDate: item.receivedDate, messageID: item.messageID,
                        raw: try scratch.store.readItem(item).raw)
        }
        _ = try await target.append(items, to: .inbox)
        #expect(await target.messages[.inbox]?.count == 4)

        let report = try await scratch.restore(into: target, overwrite: true)
        #expect(report.replaced == 2)
        #expect(await target.messages[.inbox]?.count == 2)
    }

    @Test("a target that cannot remove refuses overwrite before anything is written")
    func refusesWithoutRemoval() async throws {
        let scratch = try ScratchStore()
        try scratch.add(twoMessages())
        let target = MemoryTarget(canRemove: false)
        await #expect(throws: MemoryTarget.Refused.self) { try await scratch.restore(into: target, overwrite: true) }
        #expect(await target.log.isEmpty)
        #expect(try await scratch.restore(into: target, overwrite: false).restored == 2)
    }

    @Test("the same message selected twice in a folder is restored once, with or without overwrite")
    func sameMessageTwiceInOneRun() async throws {
        let scratch = try ScratchStore()
        let text = "Message-ID: <twice@x>\r\n\r\nsame\r\n"
        try scratch.add([sourceItem("a", text, at: received), sourceItem("b", text, at: received)])
        for overwrite in [false, true] {
            let target = MemoryTarget()
            let report = try await scratch.restore(into: target, overwrite: overwrite)
            #expect(report.restored == 1 && report.skippedDuplicates == 1)
            #expect(await target.messages[.inbox]?.count == 1)
        }
    }
}
