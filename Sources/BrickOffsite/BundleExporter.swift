import BrickBundle
import BrickStore
import Foundation

/// What one user's export wrote.
public struct ExportReport: Sendable {
    /// The user.
    public var user: String
    /// The bundle's sequence number for the target.
    public var sequence: UInt64
    /// Full or incremental.
    public var kind: BundleKind
    /// Runs covered: after `fromRun`, up to and including `toRun`.
    public var fromRun: Int64, toRun: Int64
    /// Folder, item, setting and run rows, and purges, the bundle holds.
    public var folders = 0, items = 0, settings = 0, runs = 0, purges = 0
    /// Legal hold rows the bundle holds.
    public var holds = 0
    /// Values the bundle holds and their bytes.
    public var values = 0
    /// Bytes of the values.
    public var valueBytes: Int64 = 0
    /// Stored records (values and segments) read straight from the item files' pages
    /// (a full export, docs/DESIGN.md "Direct reads"), and those read through Berkeley
    /// DB's cache instead.
    public var recordsReadInPlace = 0, recordsReadThroughCache = 0
    /// Bytes of the whole bundle.
    public var bundleBytes: Int64 = 0
    /// The bundle's digest.
    public var digest: [UInt8] = []
    /// The key ids (hex) the bundle is encrypted for; empty when it is plain.
    public var recipients: [String] = []
}

/// Writes one user's changes since an export target's cursor as one bundle
/// (docs/DESIGN.md, "Off-site copies"). The store must be open for writing (the writer
/// lock keeps everything still while the bundle is written); the cursor advances only
/// once the bundle is durable, so a failed or killed export is simply repeated.
public struct BundleExporter {
    /// The export target's name.
    public var target: String
    /// Write a full bundle whatever the cursor.
    public var full: Bool
    /// The Brick version the header names.
    public var brickVersion: String
    /// The recipients each bundle is encrypted for (FORMAT.md §9); empty for plain bundles.
    public var recipients: [BundleRecipient]
    /// Threads reading values (`ItemStage`); tests compare one with two.
    var valueThreads = 2
    /// Whether a full export reads records in place (docs/DESIGN.md "Direct reads");
    /// tests compare with reads through Berkeley DB's cache.
    var readsInPlace = true
    /// Item rows a page (`itemPage`); tests make pages short.
    var itemPageLimit = BundleExporter.itemPage
    /// Bytes of values a value thread keeps ahead of its page's turn (`ItemStage`).
    var valueBudget = 2 << 20

    /// An exporter for `target`.
    public init(target: String, full: Bool, brickVersion: String, recipients: [BundleRecipient] = []) {
        self.target = target
        self.full = full
        self.brickVersion = brickVersion
        self.recipients = recipients
    }

    /// Exports `store` into `output`; `commit` makes the written bundle durable (file
    /// synced and renamed, or stream flushed) and runs before the cursor moves.
    /// `progress` is called after each page of item rows with the items handed over so far.
    public func export(
        _ store: UserStore, to output: any BundleOutput, commit: () throws -> Void, progress: (Int) -> Void = { _ in }
    ) throws -> ExportReport {
        let state = try store.exportTarget(target)
        let cursor = full ? 0 : state?.lastRun ?? 0
        let kind: BundleKind = cursor == 0 ? .full : .incremental
        // A full bundle reads every item file whole: the kernel is told ahead, from the
        // start, so the disk streams while the catalog is read, and the values are read
        // from the files' pages in place; each file is let go of once the export is past it.
        var readAhead: ReadAheadTracker?
        if kind == .full {
            if readsInPlace { store.beginDirectReads() }
            readAhead = ReadAheadTracker(files: try store.itemFiles()) { [store] in store.releaseDirectReads(of: $0) }
        }
        defer {
            readAhead?.stop()
            store.endDirectReads()
        }
        let latest = try store.latestRunID()
        let header = BundleHeader(
            storeID: try store.storeID(), user: store.user, sequence: (state?.lastSequence ?? 0) + 1,
            parentSequence: state?.lastSequence ?? 0, parentDigest: state?.lastDigest ?? [], kind: kind,
            createdAt: Date(), brickVersion: brickVersion, fromRun: cursor, toRun: latest)
        let counting = CountingOutput(output)
        let envelope = recipients.isEmpty
            ? nil : try EncryptedBundleOutput(recipients: recipients, header: header, output: counting)
        let writer = try BundleWriter(header: header, output: envelope ?? counting)
        var report = ExportReport(
            user: store.user, sequence: header.sequence, kind: kind, fromRun: cursor, toRun: latest)
        report.recipients = recipients.map(\.keyIDText)
        let user = store.user
        if kind == .incremental {
            try store.forEachPurge(after: cursor, item: { run, folder, key in
                var fields = BundleFields()
                fields.set(PurgeTag.run, run)
                fields.set(PurgeTag.folder, folder)
                fields.set(PurgeTag.key, key)
                try writer.append(.purgedItem, fields)
                report.purges += 1
            }, folder: { run, folder in
                var fields = BundleFields()
                fields.set(PurgeTag.run, run)
                fields.set(PurgeTag.folder, folder)
                try writer.append(.purgedFolder, fields)
                report.purges += 1
            })
            try store.forEachPurgedSetting(after: cursor) { run, id in
                var fields = BundleFields()
                fields.set(PurgedSettingTag.run, run)
                fields.set(PurgedSettingTag.setting, id)
                try writer.append(.purgedSetting, fields, skippable: true)
                report.purges += 1
            }
        }
        try store.forEachChangedFolder(after: cursor) { row in
            try writer.append(.folder, RowCoding.fields(of: row, table: "folders", columns: OffsiteColumns.folders, user: user))
            report.folders += 1
        }
        let values = try exportItems(
            store, after: cursor, kind: kind, into: writer, readAhead: readAhead, report: &report, progress: progress)
        if kind == .full { (report.recordsReadInPlace, report.recordsReadThroughCache) = store.endDirectReads() }
        report.values = values.values
        report.valueBytes = values.bytes
        try store.forEachChangedSetting(after: cursor) { row in
            try writer.append(
                .setting, RowCoding.fields(of: row, table: "settings", columns: OffsiteColumns.settings, user: user), skippable: true)
            report.settings += 1
        }
        try store.forEachChangedHold(after: cursor) { row in
            try writer.append(.hold, RowCoding.fields(of: row, table: "holds", columns: OffsiteColumns.holds, user: user), skippable: true)
            report.holds += 1
        }
        try store.forEachRun(after: cursor) { row in
            try writer.append(.run, RowCoding.fields(of: row, table: "runs", columns: OffsiteColumns.runs, user: user))
            report.runs += 1
        }
        let trailer = try writer.finish()
        try envelope?.finish(chainDigest: trailer.digest)
        try commit()
        report.digest = trailer.digest
        report.bundleBytes = counting.count
        try store.recordExport(target: target, sequence: header.sequence, run: latest, digest: trailer.digest, at: header.createdAt)
        return report
    }
}

extension BundleExporter {
    /// Rows read from the catalog at a time (one short read each, FORMAT.md §8.5's order).
    static let itemPage = 256

    /// Appends the item records and values after run `cursor` (FORMAT.md §8.5, part 3):
    /// this thread reads the catalog rows a page at a time and codes them, an
    /// `ItemStage` appends them with the values it reads, and `readAhead`, if any, is told
    /// where the pages have got to. Returns the values and their bytes; `report` gets the
    /// items and `progress` their count after each page.
    func exportItems(
        _ store: UserStore, after cursor: RunID, kind: BundleKind, into writer: BundleWriter, readAhead: ReadAheadTracker?,
        report: inout ExportReport, progress: (Int) -> Void
    ) throws -> (values: Int, bytes: Int64) {
        var pageAppended: (@Sendable () -> Void)?
        if let readAhead { pageAppended = { readAhead.appended() } }
        let stage = ItemStage(store: store, writer: writer, threads: valueThreads, budget: valueBudget, pageAppended: pageAppended)
        do {
            var position: ItemPosition?
            repeat {
                var jobs: [ItemJob] = []
                jobs.reserveCapacity(itemPageLimit)
                position = try itemPage(store, after: cursor, kind: kind, following: position, into: &jobs, limit: itemPageLimit)
                readAhead?.passed(jobs)
                try stage.send(jobs)
                report.items += jobs.count
                progress(report.items)
            } while position != nil
            return try stage.finish()
        } catch {
            stage.cancel()
            throw error
        }
    }
}

extension BundleExporter {
    /// Codes one page of item records after `position` into `jobs` (the catalog is read
    /// only while the page is: `send` may wait for the value thread, which reads it
    /// too); returns where the next page starts, nil when this one was the last.
    func itemPage(
        _ store: UserStore, after cursor: RunID, kind: BundleKind, following position: ItemPosition?, into jobs: inout [ItemJob],
        limit: Int = BundleExporter.itemPage
    ) throws -> ItemPosition? {
        let user = store.user
        if store.sealsCatalogText {
            // Sealed text is opened into a row first (FORMAT.md §10.5).
            let page = try store.changedItems(after: cursor, following: position, limit: limit)
            for (row, valueChanged) in page {
                if kind == .incremental && !valueChanged {
                    // Added before the cursor, same value: only flags, MODSEQ or the
                    // deletion mark can have changed (FORMAT.md §8.5, record 10).
                    let fields = try RowCoding.fields(
                        of: row.filter { OffsiteColumns.itemChangeNames.contains($0.key) }, table: "items",
                        columns: OffsiteColumns.itemChange, user: user)
                    jobs.append(ItemJob(type: .itemChange, payload: fields.encoded()))
                } else {
                    let fields = try RowCoding.fields(of: row, table: "items", columns: OffsiteColumns.items, user: user)
                    jobs.append(ItemJob(
                        type: .item, payload: fields.encoded(),
                        value: valueChanged ? (row["folder_id"]?.integer ?? 0, row["key"]?.text ?? "") : nil,
                        valueSize: row["stored_size"]?.integer ?? 0))
                }
            }
            guard page.count == limit, let last = page.last?.row else { return nil }
            return ItemPosition(folderID: last["folder_id"]?.integer ?? 0, key: last["key"]?.text ?? "")
        }
        var coder: ItemRowCoder?
        return try store.forEachChangedItemColumns(after: cursor, following: position, limit: limit) { columns, valueChanged in
            let plan = try coder ?? ItemRowCoder(columns, user: user)
            coder = plan
            // Record 10 for a row whose value is older than the cursor (see above).
            let asChange = kind == .incremental && !valueChanged
            var job = ItemJob(type: asChange ? .itemChange : .item, payload: plan.payload(columns, asChange: asChange))
            if valueChanged {
                job.value = (columns.int64(plan.valueColumns.folder), columns.text(plan.valueColumns.key) ?? "")
                job.valueSize = plan.storedSizeColumn.map(columns.int64) ?? 0
            }
            jobs.append(job)
        }
    }
}

/// Passes bytes on and counts them.
final class CountingOutput: BundleOutput {
    private let output: any BundleOutput
    private(set) var count: Int64 = 0

    init(_ output: any BundleOutput) { self.output = output }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        try output.write(bytes)
        count += Int64(bytes.count)
    }
}
