import BrickCore
import BrickMessage
import Crypto
import Foundation
import LZ4

/// An item ready to be written: its catalog fields and its encoded value.
struct PreparedItem: Sendable {
    var item: SourceItem
    var summary: MessageSummary
    var header: ItemHeader
    var value: [UInt8]
    /// Set when the value is a reference to the item holding the same bytes.
    var sharedBody: BodyReference?
    /// Bytes the item takes in the store when more than its value (a segmented value:
    /// its segments too).
    var storedBytes: Int?
    /// The message's text for the full-text index, when the store indexes it.
    var text: String?

    var sha256: [UInt8] { header.sha256 }
    var rawSize: Int { Int(header.rawSize) }
}

/// A batch whose new items were parsed, hashed and compressed (`UserStore.prepare`),
/// ready for `UserStore.commit`.
public struct PreparedBatch: Sendable {
    /// The batch; its large items moved to `streamed`, its `added` items prepared below.
    let batch: ChangeBatch
    let added: [PreparedItem]
    let indexText: Bool
}

extension UserStore {
    /// Parses, hashes and compresses `batch`'s new items, on all cores, without taking
    /// the store's lock: the step of a commit that can run while the batch before is
    /// written. A large message that arrived whole is written in segments all the same.
    public func prepare(_ batch: ChangeBatch) throws(StoreError) -> PreparedBatch {
        var batch = batch
        let large = batch.added.filter { UInt64($0.raw.count) > StreamedItem.threshold }
        if !large.isEmpty {
            batch.added.removeAll { UInt64($0.raw.count) > StreamedItem.threshold }
            batch.streamed += large.map {
                StreamedItem(
                    key: $0.key, flags: $0.flags, internalDate: $0.internalDate, uid: $0.uid, modSeq: $0.modSeq,
                    body: InMemoryByteStream($0.raw), emailID: $0.emailID)
            }
        }
        let indexText = try indexesText
        let added = try prepare(batch.added, indexText: indexText)
        batch.added = []
        return PreparedBatch(batch: batch, added: added, indexText: indexText)
    }

    /// Parses, hashes and compresses new items, on all cores.
    private func prepare(_ items: [SourceItem], indexText: Bool) throws(StoreError) -> [PreparedItem] {
        guard !items.isEmpty else { return [] }
        let results = UnsafeResultBuffer<PreparedItem>(count: items.count)
        let workers = min(items.count, ProcessInfo.processInfo.activeProcessorCount)
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            let compressor = LZ4Frame()
            var index = worker
            while index < items.count {
                let item = items[index]
                results.set(index) {
                    let sha = Array(SHA256.hash(data: item.raw))
                    let header = ItemHeader(
                        flags: item.flags, internalDate: Int64(item.internalDate.timeIntervalSince1970.rounded(.down)),
                        rawSize: UInt64(item.raw.count), uid: item.uid ?? 0, modSeq: item.modSeq ?? 0, sha256: sha)
                    let value = try ItemValue.encode(header: header, raw: item.raw, compressor: compressor)
                    return PreparedItem(
                        item: item, summary: MessageSummary(parsing: item.raw), header: header, value: value,
                        text: indexText ? MessageText.extract(item.raw) : nil)
                }
                index += workers
            }
        }
        do {
            return try results.collect()
        } catch {
            throw .blobStore(user: user, underlying: error)
        }
    }

}
