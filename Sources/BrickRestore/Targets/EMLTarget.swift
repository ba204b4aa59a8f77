import BrickCore
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
/// Duplicates: `existingFingerprints` reads the manifest: the message_id column, or,
/// when it is empty, the SHA-256 of the file it names; with the received time.
public actor EMLTarget: RestoreTarget {
    /// The root directory, without trailing slashes.
    public nonisolated let directory: String
    private var touched: Set<String> = []

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

    /// Fingerprints of the messages the manifest lists for `path`.
    public func existingFingerprints(in path: FolderPath) async throws -> Set<MessageFingerprint> {
        guard let manifest = try FileOperations.readFile(manifestPath) else { return [] }
        var records = CSV.records(manifest)
        var column: [String: Int] = [:]
        for (index, name) in EMLManifest.columns.enumerated() { column[name] = index }
        if let header = records.first, header.contains("message_id") {
            column = [:]
            for (index, name) in header.enumerated() { column[name] = index }
            records.removeFirst()
        }
        func value(_ record: [String], _ name: String) -> String? {
            guard let index = column[name], index < record.count else { return nil }
            return record[index]
        }
        let folder = path.description
        var fingerprints: Set<MessageFingerprint> = []
        for record in records where value(record, "folder") == folder {
            guard let received = value(record, "received").flatMap(EMLManifest.seconds(iso8601:)) else { continue }
            if let messageID = value(record, "message_id"), !messageID.isEmpty {
                fingerprints.insert(MessageFingerprint(identity: messageID, internalDate: received))
            } else if let file = value(record, "file"), isContained(file),
                let bytes = try FileOperations.readFile(directory + "/" + file)
            {
                fingerprints.insert(
                    MessageFingerprint(identity: MessageFingerprint.digestIdentity(bytes), internalDate: received))
            }
        }
        return fingerprints
    }

    /// Writes one file per item (replacing a file of the same name), then adds their
    /// rows to the manifest. A file that cannot be written fails only its item; a
    /// manifest that cannot be written fails the batch.
    public func append(_ items: [RestoreItem], to path: FolderPath) async throws -> [(any Error)?] {
        guard !items.isEmpty else { return [] }
        let folderDirectory = folderDirectory(for: path)
        try makeDirectories(folderDirectory)
        let relativeFolder = String(folderDirectory.dropFirst(directory.count + 1))
        var results: [(any Error)?] = []
        var rows = ""
        for item in items {
            let name = fileName(for: item)
            let file = folderDirectory + "/" + name
            do {
                try FileOperations.writeFileAtomically(item.raw, to: file, modified: item.internalDate)
                touched.insert(file)
                let row = EMLManifest.Row(
                    item: item, folder: path, file: relativeFolder + "/" + name,
                    summary: MessageSummary(parsing: item.raw))
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

    private func appendToManifest(_ rows: String) throws {
        try makeDirectories(directory)
        let descriptor = try FileOperations.openForAppend(manifestPath)
        defer { close(descriptor) }
        var text = rows
        if try FileOperations.size(descriptor, path: manifestPath) == 0 {
            text = CSV.record(EMLManifest.columns) + rows
        }
        try FileOperations.writeAll(Array(text.utf8), to: descriptor, path: manifestPath)
        touched.insert(manifestPath)
    }

    private func makeDirectories(_ path: String) throws {
        try FileOperations.makeDirectories(path)
        touched.insert(path)
    }

    /// Whether a manifest's relative path stays inside the root.
    private nonisolated func isContained(_ relative: String) -> Bool {
        !relative.hasPrefix("/") && !relative.split(separator: "/").contains { $0 == ".." || $0 == "." }
    }
}
