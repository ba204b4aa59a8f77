import Foundation

/// The keys a consolidation of encrypted bundles needs: identities that open the
/// bundles folded, and the recipients the folded bundle is sealed for.
public struct ConsolidationKeys: Sendable {
    /// Private keys; one of them must be a recipient of every encrypted bundle folded.
    public var identities: [BundleIdentity]
    /// Public keys the folded bundle is encrypted for; empty writes it in clear, which
    /// is refused when any bundle folded was encrypted.
    public var recipients: [BundleRecipient]
    /// Whether the folded bundle may leave out a key id a folded bundle had.
    public var allowDroppingRecipients: Bool

    /// Keys for a consolidation; none for a plain chain.
    public init(identities: [BundleIdentity] = [], recipients: [BundleRecipient] = [], allowDroppingRecipients: Bool = false) {
        self.identities = identities
        self.recipients = recipients
        self.allowDroppingRecipients = allowDroppingRecipients
    }

    /// Refuses a fold that would write encrypted mail in clear, or seal it for fewer
    /// keys than the chain had (an escrow key silently lost) unless allowed, or that
    /// holds an encrypted bundle none of the identities opens.
    public func check(_ fold: BundleFold) throws(BundleError) {
        let had = Set(fold.bundles.flatMap(\.recipients))
        guard !had.isEmpty else { return }
        guard !recipients.isEmpty else {
            throw .consolidationRefused(
                "the bundles are encrypted (key id \(had.sorted().joined(separator: ", "))): give --encrypt-to for the folded bundle")
        }
        let dropped = had.subtracting(recipients.map(\.keyIDText))
        if !dropped.isEmpty && !allowDroppingRecipients {
            throw .consolidationRefused(
                "the folded bundle would no longer be encrypted for key id \(dropped.sorted().joined(separator: ", ")), "
                    + "which the chain has: add it to --encrypt-to, or say --allow-dropping-recipients")
        }
        let opened = Set(identities.map(\.recipient.keyIDText))
        for bundle in fold.bundles where !bundle.recipients.isEmpty && !bundle.recipients.contains(where: opened.contains) {
            throw .consolidationRefused(
                "\(bundle.url.lastPathComponent) is encrypted for key id \(bundle.recipients.joined(separator: ", ")); "
                    + "no --identity for it")
        }
    }
}

/// Plain copies of a fold's encrypted bundles, decrypted into a private directory
/// (mode 0700, files 0600) beside the user's bundles and removed when this goes away;
/// plain bundles are used as they are. The consolidator reads records at offsets,
/// which a sealed bundle does not allow.
final class PlainCopies {
    /// The fold's bundles, each plain.
    let bundles: [BundleFileInfo]
    private let temporary: URL?

    init(_ bundles: [BundleFileInfo], identities: [BundleIdentity], directory: URL) throws {
        guard bundles.contains(where: { !$0.recipients.isEmpty }) else {
            self.bundles = bundles
            temporary = nil
            return
        }
        var template = Array(directory.appendingPathComponent(".consolidate-XXXXXX").path.utf8CString)
        guard let made = mkdtemp(&template) else { throw BundleError.io(path: directory.path, operation: "mkdtemp", errno: errno) }
        let temporary = URL(fileURLWithPath: String(cString: made), isDirectory: true)
        self.temporary = temporary
        var plain: [BundleFileInfo] = []
        do {
            for (index, bundle) in bundles.enumerated() {
                guard !bundle.recipients.isEmpty else {
                    plain.append(bundle)
                    continue
                }
                let url = temporary.appendingPathComponent("\(index).bundle")
                try Self.decrypt(bundle.url, to: url, identities: identities)
                var info = try BundleFileInfo.read(url)
                guard info.header == bundle.header else {
                    throw BundleError.damagedHeader("\(bundle.url.lastPathComponent): the envelope's clear header differs from the bundle's")
                }
                info.size = bundle.size
                plain.append(info)
            }
        } catch {
            Self.remove(temporary)
            throw error
        }
        self.bundles = plain
    }

    deinit { if let temporary { Self.remove(temporary) } }

    /// Removes the private directories an interrupted consolidation left in `directory`.
    static func removeLeftovers(in directory: URL) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        for name in names where name.hasPrefix(".consolidate-") { remove(directory.appendingPathComponent(name)) }
    }

    private static func decrypt(_ source: URL, to target: URL, identities: [BundleIdentity]) throws {
        let input = try EncryptedBundleInput(BundleFileInput(url: source), identities: identities)
        let fd = open(target.path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        if fd < 0 { throw BundleError.io(path: target.path, operation: "open", errno: errno) }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = try buffer.withUnsafeMutableBytes { try input.read(into: $0) }
            if count == 0 { break }
            try buffer.withUnsafeBytes { try writeAll(fd, UnsafeRawBufferPointer(rebasing: $0[..<count]), path: target.path) }
        }
    }

    private static func remove(_ directory: URL) {
        try? FileManager.default.removeItem(at: directory)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
