import Foundation

/// One bundle file of a bundle directory, as its header describes it.
public struct BundleFileInfo: Sendable {
    /// The file.
    public var url: URL
    /// Its header.
    public var header: BundleHeader
    /// Its size in bytes.
    public var size: UInt64
    /// For an encrypted bundle, its recipients' key ids (hex); empty for a plain one.
    public var recipients: [String]

    /// Reads the header of the bundle file at `url`: a plain bundle's own, or an
    /// encrypted bundle's clear copy (no key needed).
    public static func read(_ url: URL) throws -> BundleFileInfo {
        let input = try BundleFileInput(url: url)
        let attributes = try? FileManager.default.attributesOfItem(atPath: url.path)
        let size = (attributes?[.size] as? NSNumber)?.uint64Value ?? 0
        if try input.peek(EnvelopeFormat.magic.count) == EnvelopeFormat.magic {
            let envelope = try EncryptedBundleInput(input, identities: []).info
            return BundleFileInfo(url: url, header: envelope.header, size: size, recipients: envelope.recipients)
        }
        guard let reader = try BundleReader.next(from: input) else { throw BundleError.truncated(offset: 0) }
        return BundleFileInfo(url: url, header: reader.header, size: size, recipients: [])
    }
}

/// A bundle directory: `DIR/<user>/<sequence>.bundle` (docs/FORMAT.md §8). It lists a
/// user's chain in order, and hides the bundles a consolidation folded but had not yet
/// removed when it was interrupted, so a reader sees the old chain or the new one.
public enum BundleDirectory {
    /// The users that have a directory of bundles, sorted.
    public static func users(in directory: URL) throws(BundleError) -> [String] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        } catch {
            throw .io(path: directory.path, operation: "list", errno: (error as NSError).code == 260 ? ENOENT : EIO)
        }
        return names.filter { name in
            var isDirectory: ObjCBool = false
            return !name.hasPrefix(".")
                && FileManager.default.fileExists(atPath: directory.appendingPathComponent(name).path, isDirectory: &isDirectory)
                && isDirectory.boolValue
        }.sorted()
    }

    /// The user's bundles in chain order, each file's header read (not its records).
    /// A bundle whose sequence lies inside a later file's range (`firstSequence` …
    /// `sequence`) was folded into it and is left out; `folded` lists those files.
    public static func chain(in directory: URL, user: String) throws -> (bundles: [BundleFileInfo], folded: [URL]) {
        let userDirectory = directory.appendingPathComponent(user, isDirectory: true)
        let names = try FileManager.default.contentsOfDirectory(atPath: userDirectory.path)
            .filter { $0.hasSuffix(".bundle") && !$0.hasPrefix(".") }
        var infos = try names.map { name in
            let url = userDirectory.appendingPathComponent(name)
            do {
                return try BundleFileInfo.read(url)
            } catch let error as BundleError {
                throw BundleError.unreadableBundle(path: url.path, underlying: error)
            }
        }
        infos.sort { $0.header.sequence < $1.header.sequence }
        var kept: [BundleFileInfo] = []
        var folded: [URL] = []
        for info in infos.reversed() {
            if let later = kept.last, info.header.sequence >= later.header.firstSequence {
                folded.append(info.url)
            } else {
                kept.append(info)
            }
        }
        return (kept.reversed(), folded)
    }
}
