#if canImport(Glibc)
import Glibc
#endif
import BrickCore

extension MboxTarget {
    /// Checks, before anything is written, that the folders of a restore fit this
    /// target: a single file takes one folder; every mbox file that exists already
    /// is a regular file (not a link) that is empty or starts with `From `.
    public nonisolated func checkBeforeWriting(folders: [FolderPath]) throws {
        if isSingleFile && folders.count > 1 {
            throw FileTargetError.selectionSpansFolders(file: location, folders: folders.sorted())
        }
        for file in Set(folders.map(filePath(for:))).sorted() {
            let kind = FileOperations.kind(of: file)
            guard kind.exists else { continue }
            if kind.isLink { throw FileTargetError.symbolicLink(path: file) }
            guard !kind.isDirectory, let start = try FileOperations.readPrefix(of: file, length: 5) else { continue }
            if !start.isEmpty && start != Array("From ".utf8) { throw FileTargetError.notAnMbox(file: file) }
        }
    }
}
