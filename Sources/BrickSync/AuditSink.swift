import BrickCore
import BrickStore
import Crypto
import Foundation

/// Receives what a source reports when it compares a folder with the store during an
/// audit, and stores nothing: new messages are missing ones (or sampled ones, whose
/// bytes are compared with the stored bytes), flag changes are differences, vanished
/// items are deletions the store has not seen yet.
final class AuditSink: ChangeSink, @unchecked Sendable {
    private let store: UserStore
    private let path: FolderPath
    /// Keys left out of the store's present items so that the source sends their bytes.
    private let sampled: [ItemKey: CatalogItem]
    private let stored: [ItemKey: ItemFlags]
    private let lock = NSLock()
    private var report: AuditReport
    private var sampledSeen = Set<ItemKey>()

    /// A sink for the folder at `path`, whose present items the store holds as `stored`
    /// (none for a folder the store lacks).
    init(store: UserStore, path: FolderPath, sampled: [ItemKey: CatalogItem], stored: [ItemKey: ItemFlags]) {
        self.store = store
        self.path = path
        self.sampled = sampled
        self.stored = stored
        self.report = AuditReport(user: store.user)
    }

    /// What the folder's comparison found; sampled items the source did not send are
    /// gone upstream.
    var findings: AuditReport {
        lock.withLock {
            var result = report
            result.notYetDeleted += sampled.keys.filter { !sampledSeen.contains($0) }.sorted { $0.rawValue < $1.rawValue }
                .map { AuditReport.Entry(folder: path, key: $0, detail: nil) }
            return result
        }
    }

    func commit(_ batch: ChangeBatch) async throws {
        var found = AuditReport(user: store.user)
        if batch.retirePresentItems {
            found.notYetDeleted += stored.keys.sorted { $0.rawValue < $1.rawValue }.map {
                AuditReport.Entry(folder: path, key: $0, detail: "UIDVALIDITY changed upstream")
            }
        }
        for item in batch.added {
            try check(item.key, digest: Array(SHA256.hash(data: item.raw)), into: &found)
        }
        for item in batch.streamed {
            try check(item.key, digest: try Self.digest(item.body), into: &found)
        }
        for item in batch.copied {
            found.missing.append(AuditReport.Entry(folder: path, key: item.key, detail: nil))
        }
        for change in batch.flagChanges {
            let before = stored[change.key]?.description ?? "?"
            found.flagDifferences.append(AuditReport.Entry(folder: path, key: change.key, detail: "stored \(before), upstream \(change.flags)"))
        }
        found.notYetDeleted += batch.vanished.map { AuditReport.Entry(folder: path, key: $0, detail: nil) }
        lock.withLock {
            report.missing += found.missing
            report.sampleMismatches += found.sampleMismatches
            report.sampled += found.sampled
            report.flagDifferences += found.flagDifferences
            report.notYetDeleted += found.notYetDeleted
        }
    }

    /// A message the source sent: a sampled one is compared, any other is missing.
    private func check(_ key: ItemKey, digest upstream: [UInt8], into found: inout AuditReport) throws {
        guard let item = sampled[key] else {
            found.missing.append(AuditReport.Entry(folder: path, key: key, detail: nil))
            return
        }
        found.sampled += 1
        lock.withLock { _ = sampledSeen.insert(key) }
        do {
            let raw = try store.readItem(item).raw
            let storedDigest = Array(SHA256.hash(data: raw))
            if storedDigest != upstream {
                found.sampleMismatches.append(AuditReport.Entry(folder: path, key: key, detail: "stored bytes differ from upstream"))
            }
        } catch {
            found.sampleMismatches.append(AuditReport.Entry(folder: path, key: key, detail: "stored value unreadable: \(error)"))
        }
    }

    /// SHA-256 of a stream, read in 1 MiB pieces.
    private static func digest(_ stream: any MessageByteStream) throws -> [UInt8] {
        try stream.rewind()
        var hasher = SHA256()
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = try buffer.withUnsafeMutableBytes { try stream.read(into: $0) }
            if count == 0 { break }
            hasher.update(data: buffer[0..<count])
        }
        return Array(hasher.finalize())
    }
}
