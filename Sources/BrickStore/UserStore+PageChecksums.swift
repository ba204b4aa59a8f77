import BerkeleyDB
import BrickCore
import Foundation

/// What `UserStore.addPageChecksums` did.
public struct PageChecksumRewrite: Sendable, Equatable {
    /// Folders whose item file was rewritten with page checksums.
    public var foldersRewritten: [FolderPath] = []
    /// Item files that had page checksums already and were left as they are.
    public var filesAlreadyChecked = 0
    /// Records copied into the rewritten files.
    public var records = 0
    /// Bytes of those records (as stored: compressed, sealed when the store is).
    public var bytes: Int64 = 0
}

extension UserStore {
    /// Suffix of the file a rewrite copies an item file into, beside it; a crash
    /// leaves it behind, and the next rewrite removes it first.
    static let checksummedCopySuffix = ".checksummed"
    /// Records copied per Berkeley DB transaction of a rewrite (memory stays one record).
    private static let recordsPerCopyTransaction = 256

    /// The folders whose item file has no page checksums: files written by versions
    /// before 16 KiB pages (docs/FORMAT.md §3). Berkeley DB cannot tell a damaged page
    /// there from a good one, and a damaged internal page can make a search loop. A file
    /// that does not open is left out: `verify` reports it as damaged.
    public func foldersWithoutPageChecksums() throws(StoreError) -> [FolderPath] {
        mutex.lock()
        defer { mutex.unlock() }
        var found: [FolderPath] = []
        for folder in try folders(includeDeleted: true) where (try? itemFileLacksChecksums(folder)) == true {
            found.append(folder.path)
        }
        return found
    }

    /// Rewrites each item file without page checksums into a new file that has them
    /// (and today's page size): every record is copied as stored (never decompressed
    /// or unsealed, so no key is needed), the copy is compared with the original record
    /// by record, and one Berkeley DB transaction then removes the old file and renames
    /// the copy into its place. A crash before that commit leaves the old file in use;
    /// after it, the new one. `progress` is called with each folder before its copy.
    public func addPageChecksums(progress: (FolderPath) -> Void = { _ in }) throws(StoreError) -> PageChecksumRewrite {
        guard isWritable else { throw .readOnly(user: user) }
        mutex.lock()
        defer { mutex.unlock() }
        var report = PageChecksumRewrite()
        for folder in try folders(includeDeleted: true) {
            let file = StoreLayout.itemsFile(folderDirectory: folder.directory)
            guard FileManager.default.fileExists(atPath: layout.url(file).path) else { continue }
            guard try itemFileLacksChecksums(folder) else {
                report.filesAlreadyChecked += 1
                continue
            }
            progress(folder.path)
            let copied = try rewriteWithChecksums(folder, file: file)
            report.foldersRewritten.append(folder.path)
            report.records += copied.records
            report.bytes += copied.bytes
        }
        return report
    }

    /// Whether the folder's item file exists and was created without page checksums.
    /// Call with `mutex` held.
    private func itemFileLacksChecksums(_ folder: StoredFolder) throws(StoreError) -> Bool {
        let file = StoreLayout.itemsFile(folderDirectory: folder.directory)
        guard FileManager.default.fileExists(atPath: layout.url(file).path) else { return false }
        return try withBlobs { try !database(for: folder).database.hasPageChecksums() }
    }

    /// Copies the folder's item file into a checksummed file, checks the copy, and
    /// swaps the two. Call with `mutex` held.
    private func rewriteWithChecksums(_ folder: StoredFolder, file: String) throws(StoreError) -> (records: Int, bytes: Int64) {
        closeDatabases([folder.id])
        let copyFile = file + UserStore.checksummedCopySuffix
        return try withBlobs {
            if FileManager.default.fileExists(atPath: layout.url(copyFile).path) {
                let transaction = try environment.beginTransaction()
                try environment.removeDatabase(copyFile, in: transaction)
                try transaction.commit()
            }
            let original = try BerkeleyDB.Database(file: file, in: environment, create: false)
            defer { original.close() }
            let copy = try BerkeleyDB.Database(file: copyFile, in: environment)
            defer { copy.close() }
            let copied = try copyRecords(from: original, to: copy)
            try checkRecordsEqual(original, copy)
            try copy.sync()
            original.close()
            copy.close()
            try environment.checkpoint()
            let transaction = try environment.beginTransaction()
            try environment.removeDatabase(file, in: transaction)
            try environment.renameDatabase(copyFile, to: file, in: transaction)
            try transaction.commit()
            try environment.checkpoint()
            FileSystem.syncDirectory(layout.url(folder.directory))
            return copied
        }
    }

    /// Copies every record of `source` into `target`, a few hundred per transaction.
    private func copyRecords(from source: BerkeleyDB.Database, to target: BerkeleyDB.Database) throws -> (records: Int, bytes: Int64) {
        let cursor = try source.cursor()
        defer { cursor.close() }
        var records = 0
        var bytes: Int64 = 0
        var transaction = try environment.beginTransaction()
        while let stored = try cursor.next({ key, value in
            try target.put(key, bytes: value, in: transaction)
            return value.count
        }) {
            records += 1
            bytes += Int64(stored)
            if records % UserStore.recordsPerCopyTransaction == 0 {
                try transaction.commit()
                transaction = try environment.beginTransaction()
            }
        }
        try transaction.commit()
        return (records, bytes)
    }

    /// Walks both files in key order and throws unless they hold the same records.
    private func checkRecordsEqual(_ original: BerkeleyDB.Database, _ copy: BerkeleyDB.Database) throws {
        let left = try original.cursor()
        defer { left.close() }
        let right = try copy.cursor()
        defer { right.close() }
        while true {
            let expected = try left.next()
            let found = try right.next()
            if expected == nil && found == nil { return }
            guard let expected, let found, expected.key == found.key, expected.value == found.value else {
                throw StoreError.damagedFile(
                    user: user, path: copy.file,
                    detail: "the checksummed copy differs from the original; the original is kept")
            }
        }
    }
}
