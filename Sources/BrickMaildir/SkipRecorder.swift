import BrickCore
import Foundation

/// Collects the entries a source skipped on purpose until the backup takes them; each
/// entry is kept once however often a listing meets it.
final class SkipRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [SkippedEntry] = []
    private var seen: Set<SkippedEntry> = []

    /// Records one skipped entry.
    func record(_ entry: SkippedEntry) {
        lock.withLock {
            if seen.insert(entry).inserted { entries.append(entry) }
        }
    }

    /// The entries recorded since the last call.
    func take() -> [SkippedEntry] {
        lock.withLock {
            defer { entries.removeAll() }
            return entries
        }
    }
}
