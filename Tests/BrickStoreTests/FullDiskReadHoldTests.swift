import BrickCore
@testable import BrickStore
import Foundation
import Testing

/// When a reader may open a catalog `immutable` on a full disk: only while no writer
/// runs or can start, and only when the WAL holds no commit the database file lacks.
@Suite struct FullDiskReadHoldTests {
    private func store() throws -> (root: URL, layout: StoreLayout) {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("hold-\(UUID().uuidString)")
        _ = try openStore(root)
        return (root, try StoreLayout(root: root, user: "alice"))
    }

    @Test func theHoldKeepsAWriterOutUntilItGoes() throws {
        let (root, layout) = try store()
        defer { try? FileManager.default.removeItem(at: root) }
        var hold = FullDiskReadHold.take(layout)
        #expect(hold != nil)
        #expect(throws: StoreError.self) { _ = try openStore(root) }
        hold = nil
        #expect(throws: Never.self) { _ = try openStore(root) }
    }

    @Test func noHoldWhileAWriterRuns() throws {
        let (root, layout) = try store()
        defer { try? FileManager.default.removeItem(at: root) }
        let writer = try openStore(root)
        withExtendedLifetime(writer) { #expect(FullDiskReadHold.take(layout) == nil) }
    }

    @Test func noHoldWhenTheWALHoldsCommits() throws {
        let (root, layout) = try store()
        defer { try? FileManager.default.removeItem(at: root) }
        let wal = URL(fileURLWithPath: layout.catalog.path + "-wal")
        try Data(repeating: 1, count: 32).write(to: wal)
        #expect(FullDiskReadHold.take(layout) == nil)
        try Data().write(to: wal)
        #expect(FullDiskReadHold.take(layout) != nil)
    }
}
