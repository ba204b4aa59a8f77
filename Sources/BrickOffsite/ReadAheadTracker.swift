import BrickStore
import Foundation

/// Where a full export's item pages have got to in the folders' item files, told to a
/// `FileReadAhead` page by page. Pages come in folder id then key order, so the files
/// are read in folder id order, and the stored sizes of a folder's values handed over
/// so far are the reader's estimated place in its file. Started before the export
/// reads anything else, so the disk streams the first file while the catalog is read.
final class ReadAheadTracker {
    private let folders: [FolderID]
    private let readAhead: FileReadAhead
    private var index = 0
    private var passedInFolder: Int64 = 0

    /// Starts the read-ahead of `files` (each folder's item file, in folder id order)
    /// with the reader at the start of the first.
    init(files: [(folder: FolderID, url: URL)]) {
        folders = files.map(\.folder)
        readAhead = FileReadAhead(files: files.map(\.url))
        readAhead.reader(atFile: 0, offset: 0)
    }

    /// Adds the page's value sizes to its folders' places and tells the read-ahead where
    /// the reader is.
    func passed(_ jobs: [ItemJob]) {
        guard !folders.isEmpty else { return }
        for job in jobs {
            guard let (id, _) = job.value else { continue }
            if folders[index] != id, let found = folders[index...].firstIndex(of: id) {
                index = found
                passedInFolder = 0
            }
            passedInFolder += max(0, job.valueSize)
        }
        readAhead.reader(atFile: index, offset: passedInFolder)
    }

    func stop() { readAhead.stop() }
}
