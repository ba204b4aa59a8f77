import BrickCore
import BrickMessage
import Foundation
import Glibc

/// A Maildir (Maildir++ layout) as a restore target, written the way Dovecot reads it.
///
/// - Folders: INBOX is the root; `Archive/2025` is the directory `.Archive.2025`, each
///   name modified-UTF-7 encoded, with `.`, `/` and `\` escaped as Dovecot's
///   listescape does (`\2e`, `\2f`, `\5c`). Directories are created 0700 with `cur/`,
///   `new/`, `tmp/` and a `maildirfolder` marker; parents stay implied, as in Dovecot.
///   Maildir keeps no special use, so `specialUse` is ignored.
/// - Messages: written 0600 into `tmp/`, fsynced, given the internal date as mtime and
///   renamed into `cur/` as `SECONDS.MmicrosPpidQcountRrandom.host,S=size:2,FLAGS`,
///   flags in ASCII order. Keywords get letters from the folder's `dovecot-keywords`
///   (updated atomically); a folder has only 26 letters, so keywords beyond those are
///   left out of the file name.
/// - Removal (`remove`, for replacing): the listed files are unlinked, after `cur/`
///   is synced so the messages appended before are durable first. A file renamed
///   since it was listed (its flags changed) is found by its unique part.
/// - Fingerprints (`existingMessages`), the rule every restore target shares: the
///   first Message-ID field within the first 256 KB, unfolded, without angle brackets,
///   white space and control characters (non-UTF-8 bytes read as windows-1252); for a
///   message without one, `sha256:` and the hex SHA-256 of the whole file, the digest
///   the catalog keeps of every item. The date is the file's mtime in whole seconds,
///   rounded down.
public final class MaildirTarget: RestoreTarget, @unchecked Sendable {
    /// The Maildir root (INBOX).
    public let root: URL
    let lock = NSLock()
    private var counter = 0
    private var touched: Set<String> = []
    private let host: String

    /// Creates a target writing below `root`, which is created when missing.
    public init(root: URL) {
        self.root = root
        var name = [CChar](repeating: 0, count: 256)
        let host = gethostname(&name, name.count) == 0
            ? String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : "localhost"
        self.host = host.replacingOccurrences(of: "/", with: "\\057").replacingOccurrences(of: ":", with: "\\072")
    }

    /// The directory name of `path` relative to the root: `.` for INBOX, `.A.B` for `A/B`.
    public static func directoryName(for path: FolderPath) throws -> String {
        guard !path.components.isEmpty, !path.components.contains(where: \.isEmpty) else {
            throw MaildirError.folderNotFound(folder: path, upstreamName: "")
        }
        if path == .inbox { return "." }
        return "." + path.components.map(FolderNameEscape.encode).joined(separator: ".")
    }

    /// Creates the folder's directory with `cur/`, `new/`, `tmp/` when missing.
    public func prepareFolder(_ path: FolderPath, specialUse: SpecialUse?) async throws {
        try lock.withLock { _ = try makeFolder(path) }
    }

    /// Every message file in the folder's `cur/` and `new/` by fingerprint, each copy
    /// located as `cur/NAME` or `new/NAME`; empty when the folder does not exist.
    public func existingMessages(in path: FolderPath) async throws -> [MessageFingerprint: [ExistingCopy]] {
        let directory = try folderDirectory(path)
        var result: [MessageFingerprint: [ExistingCopy]] = [:]
        for sub in ["new", "cur"] {
            for entry in try DirectoryReader.entries(of: directory + "/" + sub) ?? [] where !entry.isDirectory {
                if let fingerprint = try MaildirTarget.fingerprint(ofFile: directory + "/" + sub + "/" + entry.name) {
                    result[fingerprint, default: []].append(ExistingCopy(locator: sub + "/" + entry.name))
                }
            }
        }
        return result
    }

    /// The content digests of the listed files (`cur/NAME` or `new/NAME`); a file
    /// gone or renamed since has none.
    public func contentDigests(of copies: [ExistingCopy], in path: FolderPath) async throws -> [ExistingCopy: String] {
        let directory = try folderDirectory(path)
        var digests: [ExistingCopy: String] = [:]
        for copy in copies {
            let parts = copy.locator.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == 2, parts[0] == "cur" || parts[0] == "new", !parts[1].isEmpty, parts[1] != "..", parts[1] != "." else { continue }
            if case .read(let bytes, _) = try MessageFileReader.read(directory + "/" + copy.locator) {
                digests[copy] = MessageFingerprint.contentDigest(bytes)
            }
        }
        return digests
    }

    /// Writes each item into the folder's `cur/`; one result per item, nil when it landed.
    public func append(_ items: [RestoreItem], to path: FolderPath) async throws -> [(any Error)?] {
        try lock.withLock {
            let directory = try makeFolder(path)
            var keywords = try loadKeywords(directory)
            let before = keywords
            for item in items { for keyword in item.flags.keywords { _ = keywords.assign(keyword) } }
            if keywords != before {
                try POSIX.writeFileAtomically(directory + "/" + DovecotKeywords.fileName, Array(keywords.text.utf8))
            }
            touched.insert(directory)
            return items.map { item in
                do {
                    try write(item, into: directory, keywords: keywords)
                    return nil
                } catch let error as MaildirError {
                    if case .systemCall(_, let file, let code) = error {
                        return MaildirError.writeFailed(folder: path, key: item.key, path: file, errno: code)
                    }
                    return error
                } catch {
                    return error
                }
            }
        }
    }

    /// Flushes the directory entries of every folder written to.
    public func finish() async throws {
        try lock.withLock {
            for directory in touched.sorted() { try POSIX.syncDirectory(directory + "/cur") }
            if !touched.isEmpty { try POSIX.syncDirectory(root.path) }
            touched.removeAll()
        }
    }

    /// The fingerprint `existingFingerprints` will report for `item` once it is written.
    static func fingerprint(of item: RestoreItem) -> MessageFingerprint {
        MessageFingerprint(restoring: item)
    }

    /// The fingerprint of one message file, or nil when it vanished or is not a regular
    /// file: its Message-ID from the header, else the digest of the whole file.
    static func fingerprint(ofFile path: String) throws -> MessageFingerprint? {
        guard let info = try POSIX.status(path), (info.st_mode & S_IFMT) == S_IFREG,
              let header = try MessageHeaders.readHeader(path)
        else { return nil }
        let seconds = Int64(info.st_mtim.tv_sec)
        if let messageID = MessageSummary(parsing: header.bytes).messageID {
            return MessageFingerprint(identity: messageID, internalDate: seconds)
        }
        guard case .read(let bytes, _) = try MessageFileReader.read(path) else { return nil }
        return MessageFingerprint(identity: MessageFingerprint.digestIdentity(bytes), internalDate: seconds)
    }

    func folderDirectory(_ path: FolderPath) throws -> String {
        let name = try MaildirTarget.directoryName(for: path)
        return name == "." ? root.path : root.path + "/" + name
    }

    private func makeFolder(_ path: FolderPath) throws -> String {
        let directory = try folderDirectory(path)
        try POSIX.makeDirectories(root.path)
        try POSIX.makeDirectory(directory)
        for sub in ["cur", "new", "tmp"] { try POSIX.makeDirectory(directory + "/" + sub) }
        if path != .inbox {
            let marker = directory + "/maildirfolder"
            let fd = open(marker, O_WRONLY | O_CREAT | O_CLOEXEC, 0o600)
            if fd >= 0 { Glibc.close(fd) }
        }
        return directory
    }

    private func loadKeywords(_ directory: String) throws -> DovecotKeywords {
        guard let bytes = try POSIX.readSmallFile(directory + "/" + DovecotKeywords.fileName) else {
            return DovecotKeywords()
        }
        return DovecotKeywords(parsing: String(decoding: bytes, as: UTF8.self))
    }

    private func write(_ item: RestoreItem, into directory: String, keywords: DovecotKeywords) throws {
        counter += 1
        let time = timespec(item.internalDate)
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let unique = "\(time.tv_sec).M\(now.tv_nsec / 1000)P\(getpid())Q\(counter)R\(String(UInt32.random(in: .min ... .max), radix: 16))"
            + ".\(host),S=\(item.raw.count)"
        let temporary = directory + "/tmp/" + unique
        let final = directory + "/cur/" + unique + MaildirFileName.infoMarker
            + MaildirFlags.encode(item.flags, keywords: keywords)
        let fd = try POSIX.posixCall("open", path: temporary) {
            open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        }
        do {
            try POSIX.writeAll(fd, item.raw, path: temporary)
            try POSIX.posixCall("fsync", path: temporary) { fsync(fd) }
            var times = [time, time]
            try POSIX.posixCall("futimens", path: temporary) { futimens(fd, &times) }
            Glibc.close(fd)
            try POSIX.posixCall("rename", path: final) { rename(temporary, final) }
        } catch {
            Glibc.close(fd)
            unlink(temporary)
            throw error
        }
    }
}
