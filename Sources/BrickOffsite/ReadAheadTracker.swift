import BrickStore
import Foundation

/// Where a full export's item pages have got to in the folders' item files, told to a
/// `FileReadAhead` page by page: pages come in folder id then key order, so the files
/// are read in folder id order, and the share of a folder's rows handed over is the
/// reader's estimated place in its file.
final class ReadAheadTracker {
    private let folders: [FolderID]
    private let items: [Int]
    private let readAhead: FileReadAhead
    private var index = 0
    private var passedInFolder = 0

    init(shares: [FolderID: ItemFileShare]) {
        let ordered = shares.sorted { $0.key < $1.key }
        folders = ordered.map(\.key)
        items = ordered.map(\.value.items)
        readAhead = FileReadAhead(files: ordered.map(\.value.url))
    }

    /// Counts the page's values by folder and tells the read-ahead where they reach.
    func passed(_ jobs: [ItemJob]) {
        guard !folders.isEmpty else { return }
        for job in jobs {
            guard let (id, _) = job.value else { continue }
            if folders[index] != id, let found = folders[index...].firstIndex(of: id) {
                index = found
                passedInFolder = 0
            }
            passedInFolder += 1
        }
        readAhead.reader(atFile: index, fraction: Double(passedInFolder) / Double(max(1, items[index])))
    }

    func stop() { readAhead.stop() }
}
