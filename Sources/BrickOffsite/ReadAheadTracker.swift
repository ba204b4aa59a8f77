import BrickStore
import Foundation

/// Where a full export's item pages have got to in the folders' item files, told to a
/// `FileReadAhead` page by page: where the pages handed to the value stage reach (the
/// read-ahead fills its window past that) and which folder the pages appended to the
/// bundle have reached (it drops the files before that folder's). Pages come in folder
/// id then key order, so the files are read in folder id order, and the stored sizes of
/// a folder's values so far are the estimated place in its file. Started before the
/// export reads anything else, so the disk streams the first file while the catalog is
/// read.
final class ReadAheadTracker: @unchecked Sendable {
    private let folders: [FolderID]
    private let readAhead: FileReadAhead
    private var index = 0
    private var passedInFolder: Int64 = 0
    /// The file each page handed over and not yet appended ends in, oldest first.
    private var handedOver: [Int] = []
    private var handedOverStart = 0
    /// Folders before this index were told to `finished`.
    private var finishedCount = 0
    private let finished: @Sendable ([FolderID]) -> Void
    private let lock = NSLock()

    /// Starts the read-ahead of `files` (each folder's item file, in folder id order)
    /// with the reader at the start of the first. `finished` is told the folders the
    /// export is past, before their files are dropped from the page cache.
    init(files: [(folder: FolderID, url: URL)], finished: @escaping @Sendable ([FolderID]) -> Void = { _ in }) {
        self.finished = finished
        folders = files.map(\.folder)
        readAhead = FileReadAhead(files: files.map(\.url))
        readAhead.reader(atFile: 0, offset: 0)
    }

    /// A page is handed to the value stage: adds its value sizes to its folders' places
    /// and tells the read-ahead where the reader is.
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
        lock.withLock { handedOver.append(index) }
        readAhead.reader(atFile: index, offset: passedInFolder)
    }

    /// The oldest page handed over is appended to the bundle (pages are appended in the
    /// order they were handed over): the reader has finished with the files before the
    /// one that page ends in.
    func appended() {
        let (file, passed): (Int?, [FolderID]) = lock.withLock {
            guard handedOverStart < handedOver.count else { return (nil, []) }
            defer {
                handedOverStart += 1
                if handedOverStart > 64 {
                    handedOver.removeFirst(handedOverStart)
                    handedOverStart = 0
                }
            }
            let file = handedOver[handedOverStart]
            let passed = file > finishedCount ? Array(folders[finishedCount..<file]) : []
            finishedCount = max(finishedCount, file)
            return (file, passed)
        }
        if !passed.isEmpty { finished(passed) }
        if let file { readAhead.finished(beforeFile: file) }
    }

    func stop() { readAhead.stop() }
}
