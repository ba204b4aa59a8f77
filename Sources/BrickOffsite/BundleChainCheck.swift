import BrickBundle
import Foundation

/// One bundle file of a user's chain as `bundles list` and `bundles verify` see it.
public struct BundleChainEntry: Sendable {
    /// The file.
    public var url: URL
    /// Its header, nil when the header is damaged.
    public var header: BundleHeader?
    /// Its size in bytes.
    public var size: UInt64
    /// Item rows and values it holds (intact records; 0 when only its header was read).
    public var items: UInt64, values: UInt64
    /// Whether the whole file was read (records and digest), not only its header and
    /// trailer.
    public var dataRead: Bool
    /// Damaged places, one line each naming the record and byte, empty when intact.
    public var damage: [String]
    /// Why the bundle could not be read when it is of a newer format than this Brick
    /// reads (not damage: nothing of it was checked), nil otherwise.
    public var newerFormat: String?
    /// The digest the next bundle names as parent, nil when the bundle is damaged.
    public var chainDigest: [UInt8]?
    /// What is wrong with its place in the chain, nil when it follows its parent.
    public var chainProblem: String?
    /// For an encrypted bundle, the key ids (hex) it is encrypted for; empty when plain.
    public var recipients: [String] = []
    /// True for an encrypted bundle read without a matching identity: its envelope was
    /// checked (framing, outer digest), its records could not be.
    public var contentsUnchecked = false

    /// Records why the bundle could not be read: a newer format, or damage.
    mutating func note(_ error: any Error) {
        if let bundle = error as? BundleError, bundle.isNewerFormat {
            newerFormat = "\(bundle)"
        } else {
            damage = ["\(error)"]
        }
    }

    /// True when the bundle is intact and follows its parent.
    public var isSound: Bool { damage.isEmpty && chainProblem == nil && header != nil && newerFormat == nil }
}

/// Checks each user's chain in a bundle directory (`DIR/<user>/<sequence>.bundle`):
/// every file read whole, records and digest checked (damage is located by record and
/// byte), and each bundle's parent sequence and digest compared with the bundle before
/// it, as an import would.
public enum BundleChainCheck {
    /// The users with bundles under `directory`.
    public static func users(in directory: URL) throws -> [String] {
        try BundleDirectory.users(in: directory)
    }

    /// The chain of `user`, in sequence order, each entry checked. Files that a
    /// consolidation folded into a later one (and has not removed yet) are left out.
    /// `readData` chooses, by a file's position in the user's directory, the files read
    /// whole; of the others only the header and the end (trailer counts, chain digest;
    /// `BundleTail`) are read, and their records and digests are not checked.
    /// Encrypted bundles are read with `identities` when one of them is a recipient; without,
    /// only their envelope is checked and the entry says so.
    public static func check(
        directory: URL, user: String, identities: [BundleIdentity] = [], readData: (Int) -> Bool = { _ in true }
    ) throws -> [BundleChainEntry] {
        let folder = directory.appendingPathComponent(user, isDirectory: true)
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix(".bundle") && !$0.hasPrefix(".") }.sorted()
        var entries: [BundleChainEntry] = []
        for (position, name) in names.enumerated() {
            let url = folder.appendingPathComponent(name)
            let size = ((try? FileManager.default.attributesOfItem(atPath: url.path))?[.size] as? NSNumber)?.uint64Value ?? 0
            guard readData(position) else {
                entries.append(headerOnly(url, size: size))
                continue
            }
            if let recipients = try? BundleFileInfo.read(url).recipients, !recipients.isEmpty {
                entries.append(encrypted(url, size: size, recipients: recipients, identities: identities))
                continue
            }
            let report: BundleScanReport
            do {
                report = try BundleScan.scan(url)
            } catch {
                // A bundle of a later Brick: said on its own line, and the chain goes on.
                guard error.isNewerFormat else { throw error }
                entries.append(BundleChainEntry(
                    url: url, header: nil, size: size, items: 0, values: 0, dataRead: false,
                    damage: [], newerFormat: "\(error)", chainDigest: nil))
                continue
            }
            var damage = report.damage.map(\.description)
            if report.header == nil && damage.isEmpty { damage.append("the header does not read") }
            if report.trailer == nil && damage.isEmpty { damage.append("the bundle ends without a valid trailer") }
            entries.append(BundleChainEntry(
                url: url, header: report.header, size: size,
                items: report.intactCounts[BundleRecordType.item.rawValue] ?? 0,
                values: report.intactCounts[BundleRecordType.value.rawValue] ?? 0, dataRead: true,
                damage: damage,
                chainDigest: report.header.flatMap { header in report.trailer.map { header.chainDigest(trailer: $0) } }))
        }
        return linked(withoutFolded(entries))
    }

    /// An entry from the file's header (an encrypted bundle's clear copy of it) and its
    /// end: the chain digest, and a plain bundle's counts.
    private static func headerOnly(_ url: URL, size: UInt64) -> BundleChainEntry {
        var entry = BundleChainEntry(url: url, header: nil, size: size, items: 0, values: 0, dataRead: false, damage: [], chainDigest: nil)
        do {
            let info = try BundleFileInfo.read(url)
            entry.header = info.header
            entry.recipients = info.recipients
            let tail = try BundleTail.read(url, header: info.header, encrypted: !info.recipients.isEmpty)
            entry.chainDigest = tail.chainDigest
            entry.items = tail.counts?[BundleRecordType.item.rawValue] ?? 0
            entry.values = tail.counts?[BundleRecordType.value.rawValue] ?? 0
        } catch {
            entry.note(error)
        }
        return entry
    }

    /// An encrypted bundle read whole: decrypted and checked record by record with a
    /// matching identity; without one, its envelope only.
    private static func encrypted(_ url: URL, size: UInt64, recipients: [String], identities: [BundleIdentity]) -> BundleChainEntry {
        var entry = BundleChainEntry(url: url, header: nil, size: size, items: 0, values: 0, dataRead: true, damage: [], chainDigest: nil)
        entry.recipients = recipients
        do {
            let input = try BundleFileInput(url: url)
            let envelope = try EncryptedBundleInput(input, identities: [])
            entry.header = envelope.info.header
            let ids = Set(identities.map(\.recipient.keyIDText))
            guard recipients.contains(where: ids.contains) else {
                _ = try envelope.verifyOuter()
                entry.chainDigest = envelope.clearChainDigest
                entry.contentsUnchecked = true
                return entry
            }
            guard let reader = try BundleReader.open(from: BundleFileInput(url: url), identities: identities) else {
                entry.damage = ["the file is empty"]
                return entry
            }
            while let record = try reader.nextRecord() {
                if record.type == .item { entry.items += 1 }
                if record.type == .value { entry.values += 1 }
                try reader.skipPayload()
            }
            entry.chainDigest = reader.trailer.map { reader.header.chainDigest(trailer: $0) }
        } catch {
            entry.note(error)
        }
        return entry
    }

    /// Leaves out files whose sequence lies inside a later file's range.
    private static func withoutFolded(_ entries: [BundleChainEntry]) -> [BundleChainEntry] {
        var kept: [BundleChainEntry] = []
        let ordered = entries.sorted { ($0.header?.sequence ?? 0) < ($1.header?.sequence ?? 0) }
        for entry in ordered.reversed() {
            if let later = kept.last?.header, let header = entry.header, header.sequence >= later.firstSequence { continue }
            kept.append(entry)
        }
        return kept.reversed()
    }

    /// Marks each bundle that does not follow the one before it.
    private static func linked(_ entries: [BundleChainEntry]) -> [BundleChainEntry] {
        var result = entries
        var previous: (sequence: UInt64, digest: [UInt8]?, store: String)?
        for index in result.indices {
            guard let header = result[index].header else {
                previous = nil
                continue
            }
            if header.kind != .full {
                if let previous {
                    if header.storeID != previous.store {
                        result[index].chainProblem = "it comes from store \(header.storeID), the bundle before from \(previous.store)"
                    } else if header.parentSequence != previous.sequence {
                        result[index].chainProblem = "sequence \(previous.sequence + 1) is missing"
                    } else if let digest = previous.digest, digest != header.parentDigest {
                        result[index].chainProblem = "its parent digest is not that of bundle \(previous.sequence)"
                    }
                } else {
                    result[index].chainProblem = index == 0
                        ? "the chain starts without a full bundle (sequence \(header.parentSequence) is missing)"
                        : "the bundle before it is unreadable"
                }
            }
            previous = (header.sequence, result[index].chainDigest, header.storeID)
        }
        return result
    }
}
