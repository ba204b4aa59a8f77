import BrickCore
import Foundation
import Glibc

/// A user's Maildir as a mail source: INBOX is the root, folders follow `layout`.
///
/// Folders: `upstreamName` is the folder's directory relative to the root exactly as
/// on disk (`.Archive.2025` in Maildir++, `Archive/2025` in the fs layout, `.` for
/// INBOX). Names are decoded from modified UTF-7 (`.&AOk-t&AOk-` is "été", `&-` is
/// "&") and from Dovecot's listescape (`\2e` is "."). A directory without `cur/` is a
/// non-selectable parent; parents that exist only implied by a Maildir++ name
/// (`.Archive.2025` without `.Archive`) are reported non-selectable too. Special use is
/// guessed from top-level names, because Dovecot keeps none for Maildir. A folder's
/// identity is `uidvalidity:N` from its `dovecot-uidlist` when there is one. A
/// directory whose decoded name would merge with INBOX or another folder (`.INBOX`,
/// `..Sent` beside `.Sent`) is reported under its raw directory name instead, so no
/// mail is hidden behind another folder.
///
/// Items: see `synchronize(_:from:into:)`.
public struct MaildirSource: MailSource {
    /// The Maildir root (INBOX).
    public let root: URL
    /// The folder layout asked for.
    public let layout: MaildirLayout
    /// Upper bound of message bytes in one batch; a larger message goes alone.
    public let batchByteLimit: Int
    /// Upper bound of entries (added, flag changes, vanished) in one batch.
    public let batchCountLimit: Int
    /// How recent a directory time may be before a token recorded with it is not
    /// trusted; tests shorten it.
    var settleNanoseconds: Int64 = ScanToken.defaultSettleNanoseconds

    /// The largest message read; a larger one is skipped and reported.
    public let maximumMessageSize: Int64
    /// Where the user's Sieve scripts are; nil: Dovecot's default, beside the Maildir.
    public var sieveLocation: SieveLocation?
    /// Dovecot's attribute dictionary file of the user (annotations); nil: Dovecot's
    /// usual `dovecot-attributes` beside the Maildir.
    public var attributeDictionary: String?
    /// Entries skipped on purpose, until the backup takes them.
    let skips = SkipRecorder()

    /// Creates a source over the Maildir at `root`; messages above `maximumMessageSize`
    /// bytes (default 2 GiB) are skipped and reported.
    public init(
        root: URL, layout: MaildirLayout = .auto, batchByteLimit: Int = 8 << 20, batchCountLimit: Int = 1000,
        maximumMessageSize: Int64 = 2 << 30
    ) {
        self.root = root
        self.layout = layout
        self.batchByteLimit = max(1, batchByteLimit)
        self.batchCountLimit = max(1, batchCountLimit)
        self.maximumMessageSize = max(0, maximumMessageSize)
    }

    var rootPath: String { root.path }

    /// The folders, INBOX first, parents before children. Symlinks where a folder
    /// could be are not followed and are reported skipped; a folder whose directory
    /// cannot be read (EACCES, EIO) is still listed, so its sync fails and its stored
    /// state stays.
    public func listFolders() async throws -> [SourceFolder] {
        let rootDirectory = try openRoot()
        var folders = [describeFolder(path: .inbox, upstreamName: ".", in: rootDirectory)]
        let found: [SourceFolder]
        switch try resolvedLayout(rootDirectory) {
        case .fs: found = try listFSFolders(rootDirectory)
        case .maildirPlusPlus, .auto: found = try listMaildirPlusPlusFolders(rootDirectory)
        }
        folders += found.sorted { $0.path < $1.path }
        return folders
    }

    /// Nothing to release: every call opens and closes its own files.
    public func close() async {}

    /// The symlinks, FIFOs and oversized messages skipped since the last call.
    public func takeSkippedEntries() -> [SkippedEntry] { skips.take() }

    /// The layout in force: `layout`, or the detected one for `.auto`.
    public func resolvedLayout() throws -> MaildirLayout {
        try resolvedLayout(openRoot())
    }

    private func resolvedLayout(_ rootDirectory: NoFollowDirectory) throws -> MaildirLayout {
        guard layout == .auto else { return layout }
        let subdirectories = try folderDirectories(in: rootDirectory, parent: nil, includeHidden: true, report: false)
        if subdirectories.contains(where: { $0.hasPrefix(".") }) { return .maildirPlusPlus }
        if subdirectories.contains(where: { !MaildirSource.reservedNames.contains($0) }) { return .fs }
        return .maildirPlusPlus
    }

    /// Directory names that are part of a folder (or Courier's keyword store), never a
    /// folder themselves.
    static let reservedNames: Set<String> = ["cur", "new", "tmp", "courierimapkeywords"]

    /// The root, opened without following a link in its last component.
    func openRoot() throws -> NoFollowDirectory {
        guard let directory = try NoFollowDirectory.open(rootPath) else { throw MaildirError.notAMaildir(path: rootPath) }
        return directory
    }

    /// The directory holding `folder`, reached from the root without following a link.
    func directory(of folder: SourceFolder) throws -> NoFollowDirectory {
        let name = folder.upstreamName
        let rootDirectory = try openRoot()
        if name == "." { return rootDirectory }
        let parts = name.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard !name.hasPrefix("/"), !name.contains("\0"),
              !parts.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." })
        else { throw MaildirError.folderNotFound(folder: folder.path, upstreamName: name) }
        guard let directory = try rootDirectory.directory(path: parts) else {
            throw MaildirError.folderNotFound(folder: folder.path, upstreamName: name)
        }
        return directory
    }

    /// The names of the subdirectories of `directory` that may be folders. Symlinks
    /// are left out (and, with `report`, recorded as skipped); an entry whose type
    /// cannot be learnt (EACCES, EIO) counts as a directory, so it is not lost.
    func folderDirectories(
        in directory: NoFollowDirectory, parent: [String]?, includeHidden: Bool, report: Bool
    ) throws -> [String] {
        var names: [String] = []
        for entry in try directory.entries(includeHidden: includeHidden) {
            if entry.isDirectory { names.append(entry.name); continue }
            guard entry.mayBeDirectory else { continue }
            let kind: mode_t
            do {
                guard let info = try directory.status(entry.name) else { continue }
                kind = info.st_mode & S_IFMT
            } catch {
                names.append(entry.name)
                continue
            }
            if kind == S_IFDIR {
                names.append(entry.name)
            } else if kind == S_IFLNK && report && isFolderCandidate(entry.name) {
                let relative = ((parent ?? []) + [entry.name]).joined(separator: "/")
                skips.record(SkippedEntry(folder: nil, name: relative, reason: .symbolicLink))
            }
        }
        return names
    }

    private func isFolderCandidate(_ name: String) -> Bool {
        if MaildirSource.reservedNames.contains(name) { return false }
        switch layout {
        case .fs: return !name.hasPrefix(".")
        case .maildirPlusPlus: return name.hasPrefix(".")
        case .auto: return true
        }
    }

    func guessSpecialUse(_ path: FolderPath) -> SpecialUse? {
        path.depth == 1 && path != .inbox ? SpecialUse(guessingFromName: path.name) : nil
    }
}
