import BrickCore
import Foundation

/// Where a message listed by `MboxTarget.existingMessages` is: the byte range of its
/// entry in the file with the given inode, written `INODE:START-END`. Appending keeps
/// both valid; a rewrite (by `remove`, or any tool that replaces the file) changes the
/// inode, so stale ranges are refused rather than cut out of other messages.
struct MboxCopyLocator: Hashable, Sendable {
    /// The mbox file's inode number when the copy was listed.
    var inode: UInt64
    /// The entry's bytes, separator line to the next separator line.
    var entry: Range<Int>

    /// The locator of a listed entry.
    init(inode: UInt64, entry: Range<Int>) {
        self.inode = inode
        self.entry = entry
    }

    /// Reads a copy's locator; nil when it is not `INODE:START-END`.
    init?(_ copy: ExistingCopy) {
        let parts = copy.locator.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let inode = UInt64(parts[0]) else { return nil }
        let bounds = parts[1].split(separator: "-", omittingEmptySubsequences: false)
        guard bounds.count == 2, let start = Int(bounds[0]), let end = Int(bounds[1]), 0 <= start, start < end else { return nil }
        self.init(inode: inode, entry: start..<end)
    }

    /// The copy as the restore engine carries it.
    var copy: ExistingCopy { ExistingCopy(locator: "\(inode):\(entry.lowerBound)-\(entry.upperBound)") }
}

extension MboxTarget {
    /// Rewrites the folder's mbox file without the listed entries; the rest, including
    /// what was appended since the listing, stays byte for byte. Nothing changes when
    /// the file was replaced since the listing or a listed entry is no longer one.
    public func remove(_ copies: [ExistingCopy], from path: FolderPath) async throws {
        guard !copies.isEmpty else { return }
        let file = filePath(for: path)
        var removed: Set<MboxCopyLocator> = []
        for copy in copies {
            guard let locator = MboxCopyLocator(copy) else { throw FileTargetError.unknownCopy(file: file, locator: copy.locator) }
            removed.insert(locator)
        }
        try FileOperations.withMappedFile(file) { contents, inode in
            if let stale = removed.first(where: { $0.inode != inode }) {
                throw FileTargetError.changedSinceListing(file: file, detail: "inode \(inode), listed as \(stale.inode)")
            }
            let entries = Set(MboxFormat.messages(in: contents).map(\.entry))
            if let missing = removed.first(where: { !entries.contains($0.entry) }) {
                throw FileTargetError.changedSinceListing(file: file, detail: "no message at bytes \(missing.entry)")
            }
            try FileOperations.replaceFile(file, keeping: Self.gaps(between: removed.map(\.entry), in: 0..<contents.count), of: contents)
        }
    }

    /// The parts of `whole` outside the (disjoint) `ranges`, in order.
    static func gaps(between ranges: [Range<Int>], in whole: Range<Int>) -> [Range<Int>] {
        var kept: [Range<Int>] = []
        var position = whole.lowerBound
        for range in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if range.lowerBound > position { kept.append(position..<range.lowerBound) }
            position = max(position, range.upperBound)
        }
        if position < whole.upperBound { kept.append(position..<whole.upperBound) }
        return kept
    }
}
