import BrickCalendar
import BrickCore
import BrickMaildir
import BrickMessage
import Foundation

/// Restores calendar and contact items into files any client imports: `ics:DIR` (one
/// `.ics` per calendar folder) and `vcf:DIR` (one `.vcf` per address book), or, with
/// `split`, one file per item holding its bytes exactly as backed up.
///
/// Layout under DIR: the folder path's components made safe by `SafePathComponent`,
/// directories never ending in the target's suffix (their dot is escaped), so
/// `Calendars/Work` becomes `Calendars/Work.ics`, or with `split` the directory
/// `Calendars/Work/` holding `<safe key>.ics` per item. A collection is rewritten
/// whole (temporary file, fsync, rename) with every batch: `ICSCollectionWriter` merges
/// the new objects into what the file held, `VCFCollectionWriter` appends the cards.
/// `manifest.csv` at the root lists each item written (`CalendarManifest`).
///
/// Duplicates: `existingMessages` reads the manifest, so a second run adds nothing.
/// An item whose file is gone counts as missing and is written again. Replacing is not
/// offered (`--overwrite`): restore into a new directory instead.
///
/// Items of the wrong kind (a vCard for `ics:`, an event for `vcf:`) fail alone with
/// a clear reason; bytes that are neither iCalendar nor vCard fail in a collection and
/// are kept byte for byte with `split`.
public actor CalendarFileTarget: RestoreTarget {
    /// The file format a target writes.
    public enum Format: String, Sendable {
        /// iCalendar files.
        case ics
        /// vCard files.
        case vcf
    }

    /// The root directory, without trailing slashes.
    public nonisolated let directory: String
    /// What it writes.
    public nonisolated let format: Format
    /// Whether each item gets its own file.
    public nonisolated let split: Bool
    private var touched: Set<String> = []
    private var listedDigests: [ExistingCopy: String] = [:]

    /// Creates a target writing under `directory`; nothing is created before the first folder.
    public init(directory: String, format: Format, split: Bool) {
        self.directory = FileOperations.trimmingTrailingSlashes(directory)
        self.format = format
        self.split = split
    }

    /// The file suffix, with its dot.
    private nonisolated var suffix: String { "." + format.rawValue }

    /// The path of the collection file of `path` (without `split`), or of the
    /// directory of its item files (with `split`).
    public nonisolated func location(for path: FolderPath) -> String {
        var components = SafePathComponent.components(of: path).map { SafePathComponent.escapingSuffix($0, suffix) }
        if components[0].lowercased() == CalendarManifest.fileName {
            components[0] = SafePathComponent.escapingSuffix(components[0], ".csv")
        }
        if !split { components[components.count - 1] += suffix }
        return ([directory] + components).joined(separator: "/")
    }

    /// The file name of `item` in its folder's directory (with `split`).
    public nonisolated func fileName(for item: RestoreItem) -> String {
        let name = SafePathComponent.encode(item.key.rawValue)
        return name.lowercased().hasSuffix(suffix) ? name : name + suffix
    }

    /// The manifest's path.
    public nonisolated var manifestPath: String { directory + "/" + CalendarManifest.fileName }

    /// Creates the directory the folder's file or files go in.
    public func prepareFolder(_ path: FolderPath, specialUse: SpecialUse?) async throws {
        let location = location(for: path)
        try makeDirectories(split ? location : PathText.parent(of: location))
    }

    /// The items the manifest lists for `path` whose file is still there.
    public func existingMessages(in path: FolderPath) async throws -> [MessageFingerprint: [ExistingCopy]] {
        guard let manifest = try FileOperations.readFile(manifestPath) else { return [:] }
        var messages: [MessageFingerprint: [ExistingCopy]] = [:]
        var present: [String: Bool] = [:]
        for row in CalendarManifest.rows(manifest) where row["folder"] == path.description {
            guard let file = row["file"], FileOperations.isContained(file), let identity = row["identity"], let digest = row["digest"],
                let received = row["received"].flatMap(EMLManifest.seconds(iso8601:))
            else { continue }
            if present[file] == nil { present[file] = FileOperations.kind(of: directory + "/" + file).exists }
            guard present[file] == true else { continue }
            let copy = ExistingCopy(locator: file + "\n" + (row["key"] ?? ""))
            listedDigests[copy] = digest
            let fingerprint = MessageFingerprint(identity: identity, internalDate: received)
            if messages[fingerprint]?.contains(copy) != true { messages[fingerprint, default: []].append(copy) }
        }
        return messages
    }

    /// The content digests the manifest records for the listed copies.
    public func contentDigests(of copies: [ExistingCopy], in path: FolderPath) async throws -> [ExistingCopy: String] {
        Dictionary(uniqueKeysWithValues: copies.compactMap { copy in listedDigests[copy].map { (copy, $0) } })
    }

    /// Writes the items (a collection: rewritten once for the batch), then adds their
    /// rows to the manifest. An item that cannot go into the file fails alone; a file or
    /// manifest that cannot be written fails the batch.
    public func append(_ items: [RestoreItem], to path: FolderPath) async throws -> [(any Error)?] {
        guard !items.isEmpty else { return [] }
        var results: [(any Error)?] = []
        var rows = ""
        let written = split ? try writeSplit(items, path: path) : try writeCollection(items, path: path)
        for (item, outcome) in zip(items, written) {
            switch outcome {
            case .failure(let error):
                results.append(error)
            case .success(let (file, bytes, summary)):
                rows += CalendarManifest.record([
                    "folder": path.description, "file": file, "key": item.key.rawValue, "kind": summary.kind.rawValue,
                    "uid": summary.uid ?? "", "title": summary.title ?? "",
                    "start": summary.start.map(EMLManifest.iso8601) ?? "", "received": EMLManifest.iso8601(item.internalDate),
                    "identity": MessageFingerprint.identity(raw: bytes, messageID: item.messageID),
                    "digest": MessageFingerprint.contentDigest(bytes),
                ])
                results.append(nil)
            }
        }
        if !rows.isEmpty { try appendToManifest(rows) }
        return results
    }

    /// This target does not replace what it wrote.
    public func checkCanRemove() async throws {
        throw FileTargetError.cannotReplace(target: "\(format.rawValue):\(directory)")
    }

    /// Never called: `checkCanRemove` refuses first.
    public func remove(_ copies: [ExistingCopy], from path: FolderPath) async throws {
        throw FileTargetError.cannotReplace(target: "\(format.rawValue):\(directory)")
    }

    /// Makes everything written durable.
    public func finish() async throws {
        try FileOperations.flush(touched)
        touched.removeAll()
    }

    /// What happened to one item: where it went, its bytes as backed up, its summary.
    typealias Outcome = Result<(file: String, bytes: [UInt8], summary: DAVItemSummary), any Error>

    /// Why `summary` cannot go into this target's files, or nil when it can.
    private func refusal(_ summary: DAVItemSummary, key: ItemKey) -> (any Error)? {
        let isContact = summary.kind == .contact
        let isCalendar = [.event, .task, .journal].contains(summary.kind)
        switch format {
        case .ics where isContact, .vcf where isCalendar:
            return FileTargetError.wrongItemKind(key: key.rawValue, kind: summary.kind.rawValue, format: format.rawValue)
        case _ where summary.kind == .other && !split:
            return FileTargetError.notCalendarData(key: key.rawValue, problems: summary.problems, format: format.rawValue)
        default:
            return nil
        }
    }

    private func writeSplit(_ items: [RestoreItem], path: FolderPath) throws -> [Outcome] {
        let folder = location(for: path)
        let handle = try makeDirectories(folder)
        let relative = String(folder.dropFirst(directory.count + 1))
        return items.map { item in
            Result {
                let bytes = try item.wholeBytes()
                let summary = DAVItemParser.summarize(bytes)
                if let error = refusal(summary, key: item.key) { throw error }
                let name = fileName(for: item)
                try FileOperations.translating {
                    try FileOperations.writeFileAtomically(bytes, named: name, in: handle, modified: item.internalDate)
                }
                touched.insert(folder + "/" + name)
                return (relative + "/" + name, bytes, summary)
            }
        }
    }

    private func writeCollection(_ items: [RestoreItem], path: FolderPath) throws -> [Outcome] {
        let file = location(for: path)
        let parent = PathText.parent(of: file)
        let handle = try makeDirectories(parent)
        let name = (file as NSString).lastPathComponent
        let relative = String(file.dropFirst(directory.count + 1))
        let existing = try FileOperations.readFile(file)
        var ics = ICSCollectionWriter(calendarName: path.components.last)
        var vcf = VCFCollectionWriter(existing: format == .vcf ? existing ?? [] : [])
        if format == .ics, let existing, !existing.isEmpty {
            do { try ics.add(existing) } catch { throw FileTargetError.notACollection(file: file, format: format.rawValue) }
        }
        let outcomes: [Outcome] = items.map { item in
            Result {
                let bytes = try item.wholeBytes()
                let summary = DAVItemParser.summarize(bytes)
                if let error = refusal(summary, key: item.key) { throw error }
                switch format {
                case .ics: try ics.add(bytes)
                case .vcf: try vcf.add(bytes)
                }
                return (relative, bytes, summary)
            }
        }
        if outcomes.contains(where: { (try? $0.get()) != nil }) {
            try FileOperations.translating {
                try FileOperations.writeFileAtomically(
                    format == .ics ? ics.bytes() : vcf.bytes(), named: name, in: handle, modified: Date(), sync: existing != nil)
            }
            touched.insert(file)
        }
        return outcomes
    }

    private func appendToManifest(_ rows: String) throws {
        try FileOperations.appendManifestRows(rows, columns: CalendarManifest.columns, to: manifestPath, under: directory)
        touched.formUnion([directory, manifestPath])
    }

    @discardableResult
    private func makeDirectories(_ path: String) throws -> NoFollowDirectory {
        let handle = try FileOperations.makeDirectories(path, under: directory)
        touched.insert(path)
        return handle
    }
}
