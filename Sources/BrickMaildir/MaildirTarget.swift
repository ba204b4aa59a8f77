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
/// - Links: below the root (whose own last component must not be a link either),
///   every directory and file is opened from a directory descriptor with
///   `O_NOFOLLOW`, new files with `O_EXCL`, renames with `renameat`: a symlink where a
///   folder, `cur/`, `new/`, `tmp/` or the keywords file should be refuses that folder
///   with `MaildirError.symbolicLink`, and nothing is written outside the root. Links
///   among the listed message files are ignored, never read.
public final class MaildirTarget: RestoreTarget, @unchecked Sendable {
    /// The Maildir root (INBOX).
    public let root: URL
    /// Where restored Sieve scripts go; nil: Dovecot's default, beside the Maildir.
    public let sieveLocation: SieveLocation?
    /// Dovecot's attribute dictionary file restored annotations go to; nil:
    /// `dovecot-attributes` beside the Maildir.
    public let attributeDictionary: String?
    let lock = NSLock()
    private var counter = 0
    private var touched: Set<FolderPath> = []
    private let host: String

    /// Creates a target writing below `root`, which is created when missing; settings
    /// go to Dovecot's default places beside it unless `sieveLocation` or
    /// `attributeDictionary` name others.
    public init(root: URL, sieveLocation: SieveLocation? = nil, attributeDictionary: String? = nil) {
        self.root = root
        self.sieveLocation = sieveLocation
        self.attributeDictionary = attributeDictionary
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
        try lock.withLock { _ = try openFolder(path, create: true) }
    }

    /// Every message file in the folder's `cur/` and `new/` by fingerprint, each copy
    /// located as `cur/NAME` or `new/NAME`; empty when the folder does not exist.
    public func existingMessages(in path: FolderPath) async throws -> [MessageFingerprint: [ExistingCopy]] {
        guard let folder = try openFolder(path, create: false) else { return [:] }
        var result: [MessageFingerprint: [ExistingCopy]] = [:]
        for (sub, directory) in [("new", folder.new), ("cur", folder.cur)] {
            for entry in try directory.entries(includeHidden: false) where !entry.isDirectory && !entry.isSymbolicLink {
                if let fingerprint = try MaildirTarget.fingerprint(ofFile: entry.name, in: directory) {
                    result[fingerprint, default: []].append(ExistingCopy(locator: sub + "/" + entry.name))
                }
            }
        }
        return result
    }

    /// The content digests of the listed files (`cur/NAME` or `new/NAME`); a file
    /// gone or renamed since has none.
    public func contentDigests(of copies: [ExistingCopy], in path: FolderPath) async throws -> [ExistingCopy: String] {
        guard let folder = try openFolder(path, create: false) else { return [:] }
        var digests: [ExistingCopy: String] = [:]
        for copy in copies {
            guard let file = MaildirTarget.messageFile(copy) else { continue }
            let directory = file.sub == "cur" ? folder.cur : folder.new
            do {
                switch try MessageFileReader.read(
                    file.name, in: directory, maximumSize: .max, streamAbove: Int64(StreamedItem.threshold)) {
                case .read(let bytes, _): digests[copy] = MessageFingerprint.contentDigest(bytes)
                case .stream(let stream, _): digests[copy] = try MessageFingerprint.digests(of: stream).content
                case .missing, .unstable, .skipped: break
                }
            } catch MaildirError.symbolicLink, MaildirError.notARegularFile {
                continue
            }
        }
        return digests
    }

    /// Writes each item into the folder's `cur/`; one result per item, nil when it landed.
    public func append(_ items: [RestoreItem], to path: FolderPath) async throws -> [(any Error)?] {
        try lock.withLock {
            guard let directory = try openFolder(path, create: true) else {
                throw MaildirError.folderNotFound(folder: path, upstreamName: try MaildirTarget.directoryName(for: path))
            }
            var keywords = try loadKeywords(directory.folder)
            let before = keywords
            for item in items { for keyword in item.flags.keywords { _ = keywords.assign(keyword) } }
            if keywords != before {
                try directory.writeAtomically(DovecotKeywords.fileName, Array(keywords.text.utf8))
            }
            touched.insert(path)
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
            for path in touched.sorted() { try openFolder(path, create: false)?.cur.sync() }
            if !touched.isEmpty { try NoFollowDirectory.open(root.path)?.sync() }
            touched.removeAll()
        }
    }

    /// The fingerprint `existingFingerprints` will report for `item` once it is written.
    static func fingerprint(of item: RestoreItem) -> MessageFingerprint {
        MessageFingerprint(restoring: item)
    }

    /// The fingerprint of one message file, or nil when it vanished or is not a regular
    /// file: its Message-ID from the header, else the digest of the whole file.
    static func fingerprint(ofFile name: String, in directory: NoFollowDirectory) throws -> MessageFingerprint? {
        let fd: Int32
        do {
            guard let opened = try directory.openFile(name) else { return nil }
            fd = opened
        } catch MaildirError.symbolicLink, MaildirError.notARegularFile {
            return nil
        }
        defer { Glibc.close(fd) }
        var info = stat()
        try POSIX.posixCall("fstat", path: directory.child(name)) { fstat(fd, &info) }
        let seconds = Int64(info.st_mtim.tv_sec)
        let header = try MessageHeaders.readHeader(fd, path: directory.child(name))
        if let messageID = MessageSummary(parsing: header.bytes).messageID {
            return MessageFingerprint(identity: messageID, internalDate: seconds)
        }
        switch try MessageFileReader.read(name, in: directory, maximumSize: .max, streamAbove: Int64(StreamedItem.threshold)) {
        case .read(let bytes, _):
            return MessageFingerprint(identity: MessageFingerprint.digestIdentity(bytes), internalDate: seconds)
        case .stream(let stream, _):
            return MessageFingerprint(identity: try MessageFingerprint.digests(of: stream).identity, internalDate: seconds)
        case .missing, .unstable, .skipped:
            return nil
        }
    }

    /// The folder's directory and its `cur/`, `new/`, `tmp/`, opened (with `create`,
    /// made when missing) without following a link; nil when missing and not created.
    func openFolder(_ path: FolderPath, create: Bool) throws -> TargetFolder? {
        let name = try MaildirTarget.directoryName(for: path)
        guard let rootDirectory = try NoFollowDirectory.open(root.path, create: create) else { return nil }
        if !create {
            let found: NoFollowDirectory? = try name == "." ? rootDirectory : rootDirectory.directory(name)
            guard let folder = found, let cur = try folder.directory("cur"), let new = try folder.directory("new") else {
                return nil
            }
            return TargetFolder(folder: folder, cur: cur, new: new, tmp: try folder.directory("tmp") ?? cur)
        }
        let folder = try name == "." ? rootDirectory : rootDirectory.makeDirectory(name)
        let made = TargetFolder(
            folder: folder, cur: try folder.makeDirectory("cur"), new: try folder.makeDirectory("new"),
            tmp: try folder.makeDirectory("tmp"))
        if path != .inbox, try folder.status("maildirfolder") == nil,
           let marker = try folder.openFile("maildirfolder", flags: O_WRONLY | O_CREAT | O_EXCL)
        {
            Glibc.close(marker)
        }
        return made
    }

    private func loadKeywords(_ directory: NoFollowDirectory) throws -> DovecotKeywords {
        guard let bytes = try directory.readSmallFile(DovecotKeywords.fileName) else { return DovecotKeywords() }
        return DovecotKeywords(parsing: String(decoding: bytes, as: UTF8.self))
    }

    private func write(_ item: RestoreItem, into directory: TargetFolder, keywords: DovecotKeywords) throws {
        counter += 1
        let time = timespec(item.internalDate)
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let unique = "\(time.tv_sec).M\(now.tv_nsec / 1000)P\(getpid())Q\(counter)R\(String(UInt32.random(in: .min ... .max), radix: 16))"
            + ".\(host),S=\(item.size)"
        let final = unique + MaildirFileName.infoMarker + MaildirFlags.encode(item.flags, keywords: keywords)
        let temporary = directory.tmp.child(unique)
        guard let fd = try directory.tmp.openFile(unique, flags: O_WRONLY | O_CREAT | O_EXCL) else {
            throw MaildirError.systemCall(function: "openat", path: temporary, errno: ENOENT)
        }
        do {
            defer { Glibc.close(fd) }
            if let stream = item.stream {
                // A large message, piece by piece; damage found at its end leaves no file.
                try stream.forEachChunk { try POSIX.writeAll(fd, $0, path: temporary) }
            } else {
                try POSIX.writeAll(fd, item.raw, path: temporary)
            }
            try POSIX.posixCall("fsync", path: temporary) { fsync(fd) }
            var times = [time, time]
            try POSIX.posixCall("futimens", path: temporary) { futimens(fd, &times) }
        } catch {
            _ = try? directory.tmp.removeFile(unique)
            throw error
        }
        do {
            try directory.tmp.rename(unique, to: directory.cur, as: final)
        } catch {
            _ = try? directory.tmp.removeFile(unique)
            throw error
        }
    }
}

/// A Maildir target folder's directories, each opened without following a link.
struct TargetFolder {
    /// The folder's directory.
    var folder: NoFollowDirectory
    /// Its `cur/`, `new/` and `tmp/`.
    var cur, new, tmp: NoFollowDirectory

    /// Writes the small file `name` in the folder: a new temporary file (`O_EXCL`),
    /// fsynced, renamed over `name` (a link there is replaced, never followed).
    func writeAtomically(_ name: String, _ bytes: [UInt8]) throws {
        let temporary = ".\(name).tmp.\(getpid())"
        _ = try? folder.removeFile(temporary)
        guard let fd = try folder.openFile(temporary, flags: O_WRONLY | O_CREAT | O_EXCL) else {
            throw MaildirError.systemCall(function: "openat", path: folder.child(temporary), errno: ENOENT)
        }
        do {
            defer { Glibc.close(fd) }
            try POSIX.writeAll(fd, bytes, path: folder.child(temporary))
            try POSIX.posixCall("fsync", path: folder.child(temporary)) { fsync(fd) }
        } catch {
            _ = try? folder.removeFile(temporary)
            throw error
        }
        do {
            try folder.rename(temporary, to: folder, as: name)
        } catch {
            _ = try? folder.removeFile(temporary)
            throw error
        }
    }
}
