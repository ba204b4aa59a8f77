import Foundation

/// One fold of a consolidation: the bundles folded into the kept one at the end.
public struct BundleFold: Sendable {
    /// The bundles folded, in chain order; the last is the kept point they fold into.
    public var bundles: [BundleFileInfo]
    /// Bytes of the bundles before.
    public var bytesBefore: UInt64 { bundles.reduce(0) { $0 + $1.size } }
}

/// The outcome of consolidating one user's chain.
public struct BundleConsolidationReport: Sendable {
    /// The user.
    public var user: String
    /// Bundles in the chain before.
    public var bundlesBefore: Int
    /// Kept points (bundles after).
    public var kept: [UInt64]
    /// The folds done (or, for a dry run, planned).
    public var folds: [BundleFold]
    /// Bytes of the chain before and after.
    public var bytesBefore: UInt64
    public var bytesAfter: UInt64
}

extension BundleConsolidation {
    /// Consolidates one user's chain in `directory` by `policy`: every bundle the
    /// policy does not keep is folded into the next kept one. Each fold writes the new
    /// bundle under a temporary name, renames it over the kept bundle's file (the chain
    /// now reads through it), then removes the folded files; an interrupted run leaves
    /// the old chain, or the new one with folded files that readers skip and the next
    /// run removes.
    /// Encrypted bundles are opened with `keys` and the folded bundle is sealed for its
    /// recipients (see `ConsolidationKeys.check`).
    public static func run(
        directory: URL, user: String, policy: BundleRetention, schema: any BundleRecordSchema,
        brickVersion: String, dryRun: Bool, keys: ConsolidationKeys = ConsolidationKeys()
    ) throws -> BundleConsolidationReport {
        let (chain, leftovers) = try BundleDirectory.chain(in: directory, user: user)
        if !dryRun {
            for url in leftovers { try remove(url) }
            PlainCopies.removeLeftovers(in: directory.appendingPathComponent(user))
        }
        let kept = policy.kept(chain.map { ($0.header.sequence, $0.header.createdAt) })
        var folds: [BundleFold] = []
        var pending: [BundleFileInfo] = []
        for bundle in chain {
            pending.append(bundle)
            if kept.contains(bundle.header.sequence) {
                if pending.count > 1 { folds.append(BundleFold(bundles: pending)) }
                pending = []
            }
        }
        // Every fold is checked before the first is written: a refusal changes nothing.
        for fold in folds { try keys.check(fold) }
        let before = chain.reduce(0) { $0 + $1.size }
        var after = before
        for fold in folds {
            guard !dryRun, let last = fold.bundles.last else { continue }
            let plain = try PlainCopies(fold.bundles, identities: keys.identities, directory: directory.appendingPathComponent(user))
            let output = try BundleFileOutput(directory: directory, user: user, sequence: last.header.sequence)
            do {
                _ = try consolidate(plain.bundles, schema: schema, brickVersion: brickVersion, into: output, recipients: keys.recipients)
                try output.commit()
            } catch {
                output.discard()
                throw error
            }
            for bundle in fold.bundles.dropLast() { try remove(bundle.url) }
            let size = (try? FileManager.default.attributesOfItem(atPath: output.url.path))?[.size] as? NSNumber
            after = after - fold.bytesBefore + (size?.uint64Value ?? 0)
        }
        return BundleConsolidationReport(
            user: user, bundlesBefore: chain.count, kept: kept.sorted(), folds: folds, bytesBefore: before,
            bytesAfter: after)
    }

    private static func remove(_ url: URL) throws {
        if unlink(url.path) != 0 && errno != ENOENT { throw BundleError.io(path: url.path, operation: "remove", errno: errno) }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
