import BrickStore
import Foundation

/// Where a full export's item pages have got to in each folder's item file, told to a
/// `FileReadAhead` page by page: pages come in folder then key order, so the share of
/// a folder's rows handed over is the reader's estimated place in its file.
final class ReadAheadTracker {
    private let shares: [FolderID: ItemFileShare]
    private let readAhead = FileReadAhead()
    private var folder: FolderID?
    private var passedInFolder = 0

    init(shares: [FolderID: ItemFileShare]) { self.shares = shares }

    /// Counts the page's values, by folder, and tells the read-ahead where they reach.
    func passed(_ jobs: [ItemJob]) {
        for job in jobs {
            guard let (id, _) = job.value else { continue }
            if id != folder {
                folder = id
                passedInFolder = 0
            }
            passedInFolder += 1
        }
        guard let folder, let share = shares[folder] else { return }
        readAhead.reader(at: share.url, fraction: Double(passedInFolder) / Double(max(1, share.items)))
    }

    func stop() { readAhead.stop() }
}
