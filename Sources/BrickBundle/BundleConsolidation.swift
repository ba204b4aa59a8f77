import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How the writer of a bundle's records tells the consolidator which records stand for
/// the same thing, so a later one replaces an earlier one.
public enum RecordRole: Sendable, Equatable {
    /// A state record (a catalog row, or the removal of one) of this identity: only the
    /// latest record of an identity is kept. A removal drops the attached records.
    case state(identity: [UInt8], isRemoval: Bool)
    /// Raw data belonging to the state record just before it (an item's value): only
    /// the latest attached data of that identity is kept, and written after the latest
    /// state record.
    case attached
    /// A change of some columns of the state record of this identity: kept after the
    /// latest state record (a later change replaces it, a later state record or
    /// removal drops it); the latest record of the identity when there is no state
    /// record in the fold.
    case update(identity: [UInt8])
    /// Kept wherever it appears.
    case keepAll
}

/// Tells the role of each record; throws for a type the consolidator must not merge.
public protocol BundleRecordSchema {
    /// The role of a record; `fields` is nil for a record whose payload is raw data.
    func role(of head: BundleRecordHead, fields: BundleFields?) throws -> RecordRole
    /// Whether records of this type carry raw data rather than fields.
    func isRaw(_ type: BundleRecordType) -> Bool
}

/// Folds consecutive bundles of one user's chain into one, without the source store:
/// applying the result to a replica that holds the state before the first of them
/// gives the state after the last. Only the latest record of each identity survives,
/// so old points cost no space. Memory holds one entry per identity (its location),
/// never the data, which is copied from the files.
public enum BundleConsolidation {
    /// Writes the consolidation of `bundles` (consecutive, in chain order, plain files,
    /// each read and checked in full first) to `output`, with the header of the last
    /// one made a consolidated bundle that stands in for it; sealed for `recipients`
    /// (docs/FORMAT.md §9) when there are any.
    public static func consolidate(
        _ bundles: [BundleFileInfo], schema: any BundleRecordSchema, brickVersion: String, into output: any BundleOutput,
        recipients: [BundleRecipient] = []
    ) throws -> BundleTrailer {
        guard let last = bundles.last else { throw BundleError.misuse("nothing to consolidate") }
        if let encrypted = bundles.first(where: { !$0.recipients.isEmpty }) {
            throw BundleError.misuse("\(encrypted.url.lastPathComponent) is encrypted: consolidate its decrypted copy")
        }
        // A full bundle replaces everything before it.
        let start = bundles.lastIndex { $0.header.kind == .full } ?? 0
        let folded = Array(bundles[start...])
        var index = Index()
        var lastChainDigest: [UInt8] = []
        // The chain digest of each sequence folded, while every bundle says its own.
        var foldedDigests: [[UInt8]]? = []
        for (fileIndex, bundle) in folded.enumerated() {
            lastChainDigest = try index.add(bundle, fileIndex: fileIndex, schema: schema)
            let covered = bundle.header.sequence - bundle.header.firstSequence + 1
            if bundle.header.kind == .consolidated {
                foldedDigests = bundle.header.foldedDigests.count == covered ? foldedDigests.map { $0 + bundle.header.foldedDigests } : nil
            } else {
                foldedDigests = covered == 1 ? foldedDigests.map { $0 + [lastChainDigest] } : nil
            }
        }
        let first = folded[0].header
        let header = BundleHeader(
            storeID: last.header.storeID, user: last.header.user, sequence: last.header.sequence,
            parentSequence: first.parentSequence, parentDigest: first.parentDigest,
            kind: first.kind == .full ? .full : .consolidated, createdAt: last.header.createdAt,
            brickVersion: brickVersion, fromRun: first.fromRun, toRun: last.header.toRun,
            firstSequence: bundles[0].header.firstSequence, replacesDigest: lastChainDigest,
            foldedDigests: first.kind == .full ? [] : foldedDigests ?? [])
        let envelope = recipients.isEmpty ? nil : try EncryptedBundleOutput(recipients: recipients, header: header, output: output)
        let writer = try BundleWriter(header: header, output: envelope ?? output)
        let files = try folded.map { try ReadOnlyFile($0.url) }
        for entry in index.emissionOrder() {
            try copy(entry.state, from: files, to: writer)
            if !entry.isRemoval, let attached = entry.attached { try copy(attached, from: files, to: writer) }
            if !entry.isRemoval, let update = entry.update { try copy(update, from: files, to: writer) }
        }
        let trailer = try writer.finish()
        try envelope?.finish(chainDigest: header.replacesDigest.isEmpty ? trailer.digest : header.replacesDigest)
        return trailer
    }

    private static func copy(_ location: Location, from files: [ReadOnlyFile], to writer: BundleWriter) throws {
        let file = files[location.file]
        let payloadStart = location.offset + UInt64(BundleFormat.recordHeadSize)
        try writer.appendStreamed(location.type, length: location.length, skippable: location.skippable) { write in
            var done: UInt64 = 0
            while done < location.length {
                let chunk = try file.read(at: payloadStart + done, count: Int(min(location.length - done, 1 << 20)))
                try write(chunk)
                done += UInt64(chunk.count)
            }
        }
    }

    /// Where a record's bytes are.
    struct Location {
        var file: Int
        var record: UInt64
        var offset: UInt64
        var length: UInt64
        var type: BundleRecordType
        var skippable: Bool
    }

    /// The latest state and attached data of each identity, and the records kept as they are.
    struct Index {
        struct Entry {
            var state: Location
            var isRemoval: Bool
            var attached: Location?
            /// The latest change after a state record of the fold.
            var update: Location?
            /// True when `state` is itself a change (no state record in the fold).
            var stateIsUpdate = false
        }
        var entries: [[UInt8]: Entry] = [:]
        var keptAsIs: [Location] = []

        /// Reads one bundle in full (checking it) and records its records; returns its chain digest.
        mutating func add(_ bundle: BundleFileInfo, fileIndex: Int, schema: any BundleRecordSchema) throws -> [UInt8] {
            guard let reader = try BundleReader.next(from: BundleFileInput(url: bundle.url)) else {
                throw BundleError.truncated(offset: 0)
            }
            var previousIdentity: [UInt8]?
            while let head = try reader.nextRecord() {
                let fields = schema.isRaw(head.type) ? nil : try reader.readFields()
                if fields == nil { try reader.skipPayload() }
                let location = Location(
                    file: fileIndex, record: head.index, offset: head.offset, length: head.length,
                    type: head.type, skippable: head.skippable)
                switch try schema.role(of: head, fields: fields) {
                case .state(let identity, let isRemoval):
                    let attached = isRemoval ? nil : entries[identity]?.attached
                    entries[identity] = Entry(state: location, isRemoval: isRemoval, attached: attached)
                    previousIdentity = identity
                case .update(let identity):
                    if let entry = entries[identity], !entry.stateIsUpdate {
                        guard !entry.isRemoval else {
                            throw BundleError.damagedRecord(index: head.index, offset: head.offset, detail: "a change of a record removed before it")
                        }
                        entries[identity]?.update = location
                    } else {
                        entries[identity] = Entry(state: location, isRemoval: false, attached: nil, stateIsUpdate: true)
                    }
                    previousIdentity = nil
                case .attached:
                    guard let identity = previousIdentity, entries[identity] != nil else {
                        throw BundleError.damagedRecord(index: head.index, offset: head.offset, detail: "data with no record before it")
                    }
                    entries[identity]?.attached = location
                case .keepAll:
                    keptAsIs.append(location)
                    previousIdentity = nil
                }
            }
            guard let digest = reader.chainDigest else { throw BundleError.damagedTrailer("missing") }
            return digest
        }

        /// State records (with their data) and kept records, in the order they were written.
        func emissionOrder() -> [Entry] {
            let all = entries.values.map { $0 } + keptAsIs.map { Entry(state: $0, isRemoval: true, attached: nil) }
            return all.sorted { ($0.state.file, $0.state.record) < ($1.state.file, $1.state.record) }
        }
    }
}
