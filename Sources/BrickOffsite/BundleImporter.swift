import BrickBundle
import BrickStore
import Foundation

/// Applies bundles, in the order read, to the replicas under a store root, one store per
/// user (docs/DESIGN.md, "Off-site copies"). A bundle is applied only when it follows the
/// replica's last one (same primary store, next sequence, parent digest equal to the last
/// digest), or is a full bundle; each replica stays open, with its writer lock, until the
/// importer goes away. After a refusal, the user's later bundles of the same input are
/// refused with it, except a full bundle, which needs no chain and, once applied, lets
/// the chain go on from it. A bundle older than the replica's last one that was never
/// applied (a full bundle took the replica past it) is superseded, not refused.
public final class BundleImporter {
    /// The replica store root.
    public let root: URL
    /// `--until` and `--keep-purged`.
    public let options: ImportOptions
    private var stores: [String: UserStore] = [:]
    private var stopped: [String: OffsiteError] = [:]
    /// True when the last bundle was recognised as applied from its file's end.
    private var skippedToEnd = false

    /// An importer into the replicas under `root`.
    public init(root: URL, options: ImportOptions) {
        self.root = root
        self.options = options
    }

    /// Reads the next bundle of `input` and applies it; nil at the clean end of the
    /// input. A refused bundle is read to its end (so the next one can follow on a
    /// stream) and reported; a damaged one throws, and nothing of it is applied.
    public func importNext(from input: any BundleInput, label: String) throws -> ImportReport? {
        let reader: BundleReader
        do {
            guard let next = try BundleReader.open(from: input, identities: options.identities) else { return nil }
            reader = next
        } catch let error as BundleError {
            throw OffsiteError.reading(error, bundle: label)
        }
        let header = reader.header
        skippedToEnd = false
        var report = ImportReport(user: header.user, bundle: label, sequence: header.sequence, kind: header.kind, outcome: .applied)
        do {
            if let refusal = stopped[header.user], header.kind != .full {
                report.outcome = .refused(refusal)
            } else if let limit = options.until, limit.excludes(header) {
                report.outcome = .beyondLimit
            } else {
                report.outcome = try apply(reader, label: label, report: &report)
            }
        } catch let error as BundleError {
            throw OffsiteError.reading(error, bundle: label)
        }
        switch report.outcome {
        case .refused(let error): stopped[header.user] = stopped[header.user] ?? error
        case .applied where header.kind == .full: stopped[header.user] = nil
        default: break
        }
        if case .applied = report.outcome {} else if !skippedToEnd { try readToEnd(reader, label: label) }
        return report
    }

    /// Checks the chain and applies the bundle, or says why not.
    private func apply(_ reader: BundleReader, label: String, report: inout ImportReport) throws -> ImportReport.Outcome {
        let header = reader.header
        let layout = try StoreLayout(root: root, user: header.user)
        let exists = FileManager.default.fileExists(atPath: layout.catalog.path)
        if !exists && stores[header.user] == nil && header.kind != .full {
            return .refused(.chainBroken(
                user: header.user, bundle: label, missing: 1, detail: "the replica is empty and this bundle is \(header.kind.description)"))
        }
        let store = try stores[header.user] ?? UserStore(layout: layout, user: header.user, mode: .readWrite)
        stores[header.user] = store
        if let primary = try store.replicaOf() {
            guard primary == header.storeID else {
                return .refused(.foreignStore(user: header.user, bundle: label, found: header.storeID, expected: primary))
            }
        } else if try store.latestRunID() > 0 {
            throw OffsiteError.notAReplica(user: header.user, path: layout.userDirectory.path)
        }
        if let applied = try store.appliedBundle(sequence: header.sequence) {
            // A bundle file of a directory says its digest at its end: no need to read it.
            let digest: [UInt8]?
            do {
                digest = try reader.chainDigestFromFileEnd()
            } catch let error as BundleError {
                throw OffsiteError.reading(error, bundle: label)
            }
            skippedToEnd = digest != nil
            if !skippedToEnd { try readToEnd(reader, label: label) }
            return (digest ?? reader.trailer.map { header.chainDigest(trailer: $0) }) == applied.digest
                ? .alreadyApplied : .refused(.conflictingBundle(user: header.user, bundle: label, sequence: header.sequence))
        }
        let last = try store.lastAppliedBundle()
        if let last, header.sequence < last.sequence {
            // Chains are applied in sequence, so the replica passed this one by a full bundle.
            return .superseded(latest: last.sequence)
        }
        if header.kind == .consolidated, let last, header.parentSequence < last.sequence, last.sequence < header.sequence,
            header.firstSequence <= last.sequence
        {
            // The replica applied part of the folded range: applying the rest is safe when
            // its last bundle is the one folded there (rows travel whole, so the latest
            // state of each identity overwrites whatever the replica had).
            guard Self.folds(header, at: last) else {
                return .refused(.partlyApplied(
                    user: header.user, bundle: label, first: header.firstSequence, last: header.sequence, at: last.sequence))
            }
        } else if header.kind != .full {
            guard let last, header.parentSequence == last.sequence else {
                let have = try store.lastAppliedBundle()?.sequence ?? 0
                return .refused(.chainBroken(
                    user: header.user, bundle: label, missing: have + 1,
                    detail: "the replica's last bundle is \(have), this one is \(header.sequence)"))
            }
            guard header.parentDigest == last.digest else {
                return .refused(.chainBroken(
                    user: header.user, bundle: label, missing: last.sequence + 1,
                    detail: "bundle \(header.sequence) follows another bundle \(last.sequence) than the one applied"))
            }
        }
        try RecordApplier(reader: reader, label: label, options: options).apply(to: store, report: &report)
        return .applied
    }

    /// True when consolidated `header` names the chain digest of `last` among the
    /// bundles it folded, at `last`'s sequence.
    static func folds(_ header: BundleHeader, at last: AppliedBundle) -> Bool {
        let count = header.sequence - header.firstSequence + 1
        guard UInt64(header.foldedDigests.count) == count, last.sequence >= header.firstSequence else { return false }
        return header.foldedDigests[Int(last.sequence - header.firstSequence)] == last.digest
    }

    /// Reads the rest of a bundle without applying it, checking its digest.
    private func readToEnd(_ reader: BundleReader, label: String) throws {
        do {
            while try reader.nextRecord() != nil { try reader.skipPayload() }
        } catch let error as BundleError {
            throw OffsiteError.reading(error, bundle: label)
        }
    }
}
