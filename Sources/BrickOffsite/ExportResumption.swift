import BrickBundle
import BrickStore
import Foundation

/// An export killed after its bundle file was renamed into place but before the cursor
/// moved leaves a complete bundle that a replica may already hold. Writing that sequence
/// again would give it other content and break the chain for such a replica, so the
/// next export into the same directory adopts the file instead: when it is intact, of
/// this store, and follows the cursor, the cursor moves to it and the export goes on
/// with the next sequence.
public enum ExportResumption {
    /// Adopts the bundle file of the target's next sequence in `directory` when it is
    /// the one an interrupted export wrote; true when the cursor moved.
    public static func adoptCommittedBundle(_ store: UserStore, target: String, directory: URL) throws -> Bool {
        let state = try store.exportTarget(target)
        let sequence = (state?.lastSequence ?? 0) + 1
        let url = directory.appendingPathComponent(store.user, isDirectory: true)
            .appendingPathComponent(BundleFileOutput.fileName(sequence: sequence))
        guard FileManager.default.fileExists(atPath: url.path) else { return false }
        guard let (header, digest) = try? readWhole(url) else { return false }
        // A cursor of run 0 after a sequence is one a rebuilt catalog took over: the
        // file's runs are numbered as in the old catalog, so the next export stays full.
        let restored = state.map { $0.lastRun == 0 && $0.lastSequence > 0 } ?? false
        guard header.storeID == (try store.storeID()), header.user == store.user, header.sequence == sequence,
              header.parentSequence == (state?.lastSequence ?? 0), header.parentDigest == (state?.lastDigest ?? []),
              try restored || header.toRun <= store.latestRunID()
        else { return false }
        try store.recordExport(
            target: target, sequence: sequence, run: restored ? 0 : header.toRun, digest: digest, at: header.createdAt)
        return true
    }

    /// Reads a bundle file whole, checking it, and gives its header and chain digest. An
    /// encrypted bundle is read without a key (the exporting host has none): its
    /// envelope's framing and digest are checked and its clear header and chain digest
    /// are taken.
    private static func readWhole(_ url: URL) throws -> (BundleHeader, [UInt8])? {
        let input = try BundleFileInput(url: url)
        if try BundleFileInfo.read(url).recipients.isEmpty {
            guard let reader = try BundleReader.next(from: input) else { return nil }
            while try reader.nextRecord() != nil { try reader.skipPayload() }
            guard let trailer = reader.trailer else { return nil }
            return (reader.header, trailer.digest)
        }
        let envelope = try EncryptedBundleInput(input, identities: [])
        _ = try envelope.verifyOuter()
        guard let digest = envelope.clearChainDigest else { return nil }
        return (envelope.info.header, digest)
    }
}
