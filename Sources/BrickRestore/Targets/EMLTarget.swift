import BrickCore
import BrickMaildir
import BrickMessage
import Foundation

/// Restores into a directory of .eml files, one per message, for handing mail to a
/// person or an investigation without touching a server.
///
/// Layout under the directory given as `eml:DIR`: one subdirectory per folder, nested
/// like the folder path, names made safe by `SafePathComponent` (a top-level folder
/// called `manifest.csv` has its dot escaped); in it one file per message named
/// `<received yyyy-mm-dd_HHMMSS UTC>_<safe key>.eml` holding the raw bytes exactly,
/// with its modification time set to the internal date; and `manifest.csv` at the
/// root (see `EMLManifest`). Flags exist only in the manifest.
///
/// Duplicates: `existingMessages` reads the manifest: the message_id column, or,
/// when it is empty, the SHA-256 of the file it names; with the received time.
///
/// Replacing: an item restored again lands at the same path (same received time and
/// key), replacing the old file atomically; `remove` then drops the old manifest row,
/// and removes copies at other paths with their rows.
public actor EMLTarget: RestoreTarget {
    /// The root directory, without trailing slashes.
    public nonisolated let directory: String
    private var touched: Set<String> = []
    /// Files (relative to the root) that `append` wrote over an existing file.
    private var replacedInPlace: Set<String> = []

    /// Creates a target writing under `directory`; nothing is created before the first folder.
    public init(directory: String) {
        self.directory = FileOperations.trimmingTrailingSlashes(directory)
    }

    /// The directory that holds the files of `path`.
    public nonisolated func folderDirectory(for path: FolderPath) -> String {
        var components = SafePathComponent.components(of: path)
        if components[0].lowercased() == EMLManifest.fileName {
            components[0] = SafePathComponent.escapingSuffix(components[0], ".csv")
        }
        return ([directory] + components).joined(separator: "/")
    }

    /// The file name of `item` within its folder's directory.
    public nonisolated func fileName(for item: RestoreItem) -> String {
        let time = UTCDateTime(item.internalDate)
        let stamp = "\(EMLManifest.pad(time.year, 4))-\(EMLManifest.pad(time.month))-\(EMLManifest.pad(time.day))_"
            + "\(EMLManifest.pad(time.hour))\(EMLManifest.pad(time.minute))\(EMLManifest.pad(time.second))"
        return "\(stamp)_\(SafePathComponent.encode(item.key.rawValue)).eml"
    }

    /// The manifest's path.
    public nonisolated var manifestPath: String { directory + "/" + EMLManifest.fileName }

    /// Creates the folder's directory and its parents when missing.
    public func prepareFolder(_ path: FolderPath, specialUse: SpecialUse?) async throws {
        try makeDirectories(folderDirectory(for: path))
    }

    /// The messages the manifest lists for `path` by fingerprint, each copy located
    /// by its file's path relative to the root.
    public func existingMessages(in path: FolderPath) async throws -> [MessageFingerprint: [ExistingCopy]] {
        guard let manifest = try FileOperations.readFile(manifestPath) else { return [:] }
        let records = EMLManifest.Records(parsing: manifest)
        let folder = path.description
        var messages: [MessageFingerprint: [ExistingCopy]] = [:]
        for row in records.rows where records.value(row, "folder") == folder {
            guard let received = records.value(row, "received").flatMap(EMLManifest.seconds(iso8601:)),
                let file = records.value(row, "file"), FileOperations.isContained(file)
            else { continue }
            let fingerprint: MessageFingerprint
            if let messageID = records.value(row, "message_id"), !messageID.isEmpty {
                fingerprint = MessageFingerprint(identity: messageID, internalDate: received)
            } else if let found = try FileOperations.messageDigests(directory + "/" + file) {
                fingerprint = MessageFingerprint(identity: found.identity, internalDate: received)
            } else {
                continue
            }
            let copy = ExistingCopy(locator: file)
            if messages[fingerprint]?.contains(copy) != true { messages[fingerprint, default: []].append(copy) }
        }
        return messages
    }

    /// Writes one file per item (replacing a file of the same name atomically, synced
    /// before the rename), then adds their rows to the manifest. A file that cannot be written fails only its item; a
    /// manifest that cannot be written fails the batch.
    public func append(_ items: [RestoreItem], to path: FolderPath) async throws -> [(any Error)?] {
        guard !items.isEmpty else { return [] }
        let folderDirectory = folderDirectory(for: path)
        let folderHandle = try makeDirectories(folderDirectory)
        let relativeFolder = String(folderDirectory.dropFirst(directory.count + 1))
        var results: [(any Error)?] = []
        var rows = ""
        for item in items {
            let name = fileName(for: item)
            let file = folderDirectory + "/" + name
            do {
                let replacing = try FileOperations.translating { try folderHandle.status(name) != nil }
                try FileOperations.writeFileAtomically(
                    item, named: name, in: folderHandle, modified: item.internalDate, sync: replacing)
                if replacing { replacedInPlace.insert(relativeFolder + "/" + name) }
                touched.insert(file)
                let row = EMLManifest.Row(
                    item: item, folder: path, file: relativeFolder + "/" + name,
                    summary: MessageSummary(parsing: try item.stream?.prefix(MessageSummary.headerPrefix) ?? item.raw))
                rows += row.record
                results.append(nil)
            } catch {
                results.append(error)
            }
        }
        if !rows.isEmpty { try appendToManifest(rows) }
        return results
    }

    /// Makes everything written durable.
    public func finish() async throws {
        try FileOperations.flush(touched)
        touched.removeAll()
    }

    /// Removes the listed files of `path` and their manifest rows. A file `append`
    /// wrote over in this run holds the new copy: it stays, with only its newest row.
    /// Everything written is made durable first; the manifest is rewritten atomically
    /// before any file goes, so it never lists a file that was removed.
    public func remove(_ copies: [ExistingCopy], from path: FolderPath) async throws {
        guard !copies.isEmpty else { return }
        let prefix = String(folderDirectory(for: path).dropFirst(directory.count + 1)) + "/"
        var files: Set<String> = []
        for copy in copies {
            guard FileOperations.isContained(copy.locator), copy.locator.hasPrefix(prefix) else {
                throw FileTargetError.unknownCopy(file: manifestPath, locator: copy.locator)
            }
            files.insert(copy.locator)
        }
        try FileOperations.flush(touched)
        touched.removeAll()
        try rewriteManifest(removing: files)
        var directories: Set<String> = []
        for file in files.subtracting(replacedInPlace) {
            let absolute = directory + "/" + file
            if unlink(absolute) == -1 && errno != ENOENT {
                throw FileTargetError.system(operation: "unlink", path: absolute, errno: errno)
            }
            directories.insert(PathText.parent(of: absolute))
        }
        try FileOperations.flush(directories)
    }

    /// Rewrites the manifest without the rows of `files`, keeping the last row of a
    /// file replaced in place.
    private func rewriteManifest(removing files: Set<String>) throws {
        guard let manifest = try FileOperations.readFile(manifestPath) else { return }
        var records = EMLManifest.Records(parsing: manifest)
        var keptLast: Set<String> = []
        var rows: [[String]] = []
        for row in records.rows.reversed() {
            guard let file = records.value(row, "file"), files.contains(file) else {
                rows.append(row)
                continue
            }
            if replacedInPlace.contains(file) && !keptLast.contains(file) {
                keptLast.insert(file)
                rows.append(row)
            }
        }
        records.rows = rows.reversed()
        try FileOperations.writeFileAtomically(Array(records.text.utf8), to: manifestPath, modified: Date(), sync: true)
        try FileOperations.flush([directory])
    }

    private func appendToManifest(_ rows: String) throws {
        try FileOperations.appendManifestRows(rows, columns: EMLManifest.columns, to: manifestPath, under: directory)
        touched.formUnion([directory, manifestPath])
    }

    @discardableResult
    private func makeDirectories(_ path: String) throws -> NoFollowDirectory {
        let handle = try FileOperations.makeDirectories(path, under: directory)
        touched.insert(path)
        return handle
    }
}
