import BerkeleyDB
import Foundation

/// The item files a full export reads straight from their pages (docs/DESIGN.md,
/// "Direct reads"): a reader per folder, made on the folder's first read.
struct DirectReads {
    /// The reader of each folder read so far; nil for a folder whose file is not read
    /// directly (its reads go to Berkeley DB).
    var readers: [FolderID: DirectBtreeReader?] = [:]
    /// Values answered by the readers let go of so far, and searches they declined.
    var answered = 0
    var declined = 0

    /// Lets go of the folder's reader and its windows, keeping its counts.
    mutating func release(_ folder: FolderID) {
        guard let reader = readers.removeValue(forKey: folder) ?? nil else { return }
        let counts = reader.counts
        answered += counts.answered
        declined += counts.declined
        reader.releaseWindows()
    }
}

extension UserStore {
    /// From now on, the values `storedValue` reads come straight from the item files'
    /// pages where they can (docs/DESIGN.md, "Direct reads"), for a full export that
    /// reads every file whole: no copy into Berkeley DB's cache, no lock of the
    /// library. Only a writable, plain store (no sealing) reads so, holding its writer
    /// lock: each file's cached pages are written to it first, and nothing may write an
    /// item file until `endDirectReads()`. What a reader cannot read for sure goes to
    /// Berkeley DB as before, which reports damage as always.
    public func beginDirectReads() {
        mutex.withLock { if isWritable && directReads == nil { directReads = DirectReads() } }
    }

    /// Lets go of the mappings of these folders' item files (an export past them); a
    /// later read maps them again.
    public func releaseDirectReads(of folders: some Sequence<FolderID>) {
        mutex.withLock {
            for folder in folders { directReads?.release(folder) }
        }
    }

    /// Ends direct reads, letting go of every mapping; returns the values read from
    /// the pages and the searches left to Berkeley DB, for the report and tests.
    @discardableResult
    public func endDirectReads() -> (answered: Int, declined: Int) {
        mutex.withLock {
            guard var reads = directReads else { return (0, 0) }
            for folder in Array(reads.readers.keys) { reads.release(folder) }
            directReads = nil
            return (reads.answered, reads.declined)
        }
    }

    /// The direct reader of folder `folderID`'s item file `file`, made on first use
    /// after its cached pages are written; nil when reads are not direct or the file is
    /// not read so. Call with `mutex` held.
    func directReader(_ folderID: FolderID, of file: ItemFile) -> DirectBtreeReader? {
        guard directReads != nil else { return nil }
        if let known = directReads?.readers[folderID] { return known }
        var reader: DirectBtreeReader?
        if file.storesPlainRecords, (try? file.sync()) != nil {
            reader = DirectBtreeReader(path: layout.url(file.file).path)
        }
        directReads?.readers[folderID] = .some(reader)
        return reader
    }
}
