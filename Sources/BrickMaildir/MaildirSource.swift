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

    /// Creates a source over the Maildir at `root`.
    public init(root: URL, layout: MaildirLayout = .auto, batchByteLimit: Int = 8 << 20, batchCountLimit: Int = 1000) {
        self.root = root
        self.layout = layout
        self.batchByteLimit = max(1, batchByteLimit)
        self.batchCountLimit = max(1, batchCountLimit)
    }

    var rootPath: String { root.path }

    /// The folders, INBOX first, parents before children.
    public func listFolders() async throws -> [SourceFolder] {
        guard POSIX.isDirectory(rootPath) else { throw MaildirError.notAMaildir(path: rootPath) }
        var folders = [try describeFolder(path: .inbox, upstreamName: ".")]
        let found: [SourceFolder]
        switch try resolvedLayout() {
        case .fs: found = try listFSFolders()
        case .maildirPlusPlus, .auto: found = try listMaildirPlusPlusFolders()
        }
        folders += found.sorted { $0.path < $1.path }
        return folders
    }

    /// Nothing to release: every call opens and closes its own files.
    public func close() async {}

    /// The layout in force: `layout`, or the detected one for `.auto`.
    public func resolvedLayout() throws -> MaildirLayout {
        guard layout == .auto else { return layout }
        let subdirectories = try DirectoryReader.subdirectories(of: rootPath, includeHidden: true)
        if subdirectories.contains(where: { $0.hasPrefix(".") }) { return .maildirPlusPlus }
        if subdirectories.contains(where: { !MaildirSource.reservedNames.contains($0) }) { return .fs }
        return .maildirPlusPlus
    }

    /// Directory names that are part of a folder (or Courier's keyword store), never a
    /// folder themselves.
    static let reservedNames: Set<String> = ["cur", "new", "tmp", "courierimapkeywords"]

    /// The directory holding `folder`, checked to stay below the root.
    func directory(of folder: SourceFolder) throws -> String {
        let name = folder.upstreamName
        if name == "." { return rootPath }
        let parts = name.split(separator: "/", omittingEmptySubsequences: false)
        guard !name.hasPrefix("/"), !name.contains("\0"),
              !parts.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." })
        else { throw MaildirError.folderNotFound(folder: folder.path, upstreamName: name) }
        let path = rootPath + "/" + name
        guard POSIX.isDirectory(path) else {
            throw MaildirError.folderNotFound(folder: folder.path, upstreamName: name)
        }
        return path
    }

    private func listMaildirPlusPlusFolders() throws -> [SourceFolder] {
        var byPath: [FolderPath: SourceFolder] = [:]
        var implied: [FolderPath: String] = [:]
        let names = try DirectoryReader.subdirectories(of: rootPath, includeHidden: true).filter { $0.hasPrefix(".") }
        // Well-formed names first, so they keep their path when a stray name collides.
        let ordered = names.map { name in (name, name.dropFirst().split(separator: ".").map(String.init)) }
            .sorted { lhs, rhs in
                let left = lhs.0 == "." + lhs.1.joined(separator: "."), right = rhs.0 == "." + rhs.1.joined(separator: ".")
                return left != right ? left : lhs.0 < rhs.0
            }
        for (name, raw) in ordered where !raw.isEmpty {
            var path = FolderPath(raw.map(FolderNameEscape.decode))
            if path == .inbox || byPath[path] != nil {
                // `.INBOX`, or `..Sent` beside `.Sent`: keep it apart under its directory name.
                path = FolderPath([name])
                byPath[path] = try describeFolder(path: path, upstreamName: name)
                continue
            }
            byPath[path] = try describeFolder(path: path, upstreamName: name)
            for depth in 1..<raw.count {
                implied[FolderPath(Array(path.components.prefix(depth)))] = "." + raw.prefix(depth).joined(separator: ".")
            }
        }
        for (path, upstreamName) in implied where byPath[path] == nil && path != .inbox {
            byPath[path] = SourceFolder(
                path: path, upstreamName: upstreamName, specialUse: guessSpecialUse(path), selectable: false)
        }
        return Array(byPath.values)
    }

    private func listFSFolders() throws -> [SourceFolder] {
        var result: [SourceFolder] = []
        func walk(_ relative: [String], depth: Int) throws {
            guard depth < 64 else { return }
            let directory = ([rootPath] + relative).joined(separator: "/")
            for name in try DirectoryReader.subdirectories(of: directory, includeHidden: false).sorted()
            where !MaildirSource.reservedNames.contains(name) {
                let child = relative + [name]
                let path = FolderPath(child.map(FolderNameEscape.decode))
                result.append(try describeFolder(path: path, upstreamName: child.joined(separator: "/")))
                try walk(child, depth: depth + 1)
            }
        }
        try walk([], depth: 0)
        return result
    }

    private func describeFolder(path: FolderPath, upstreamName: String) throws -> SourceFolder {
        let directory = upstreamName == "." ? rootPath : rootPath + "/" + upstreamName
        let selectable = path == .inbox || POSIX.isDirectory(directory + "/cur")
        var identity: String?
        var sizeHint: Int?
        if selectable {
            if let header = try DovecotUIDList.readHeader(directory + "/" + DovecotUIDList.fileName),
               let uidValidity = header.uidValidity
            {
                identity = "uidvalidity:\(uidValidity)"
            }
            let cur = try DirectoryReader.entries(of: directory + "/cur")?.count ?? 0
            let new = try DirectoryReader.entries(of: directory + "/new")?.count ?? 0
            sizeHint = cur + new
        }
        return SourceFolder(
            path: path, upstreamName: upstreamName, specialUse: guessSpecialUse(path),
            identity: identity, selectable: selectable, sizeHint: sizeHint)
    }

    private func guessSpecialUse(_ path: FolderPath) -> SpecialUse? {
        path.depth == 1 && path != .inbox ? SpecialUse(guessingFromName: path.name) : nil
    }
}
