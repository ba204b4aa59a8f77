import BrickCore
import Foundation
import Glibc

extension MaildirSource {
    /// How deep the fs layout is walked; a folder with subfolders at this depth is
    /// reported skipped (their messages are not backed up).
    static let maximumFolderDepth = 64

    /// The Maildir++ folders: every `.NAME` directory at the root. A well-formed name
    /// (`.A.B`, no empty part) is decoded to its path; a name with an empty part
    /// (`...`, `....`, `.a..b`, `.a.`), one that decodes to INBOX, and one whose
    /// decoded path another directory already has are kept under their raw directory
    /// name as a single component, so every directory on disk is backed up.
    func listMaildirPlusPlusFolders(_ rootDirectory: NoFollowDirectory) throws -> [SourceFolder] {
        var byPath: [FolderPath: SourceFolder] = [:]
        var implied: [FolderPath: String] = [:]
        let names = try folderDirectories(in: rootDirectory, parent: nil, includeHidden: true, report: true)
            .filter { $0.hasPrefix(".") }
        let parts = { (name: String) in name.dropFirst().split(separator: ".", omittingEmptySubsequences: false).map(String.init) }
        // Well-formed names first, so they keep their path when a stray name collides.
        let ordered = names.map { ($0, parts($0)) }.sorted { lhs, rhs in
            let left = !lhs.1.contains(""), right = !rhs.1.contains("")
            return left != right ? left : lhs.0 < rhs.0
        }
        for (name, raw) in ordered {
            let wellFormed = !raw.contains("")
            var path = wellFormed ? FolderPath(raw.map(FolderNameEscape.decode)) : FolderPath([name])
            if path == .inbox || byPath[path] != nil { path = FolderPath([name]) }
            while path == .inbox || byPath[path] != nil { path = FolderPath([path.name + "~"]) }
            byPath[path] = describeFolder(path: path, upstreamName: name, in: rootDirectory)
            guard wellFormed, path.depth == raw.count else { continue }
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

    /// The fs-layout folders: subdirectories, recursively, never through a link. A
    /// folder whose subdirectories cannot be listed fails the listing (nothing is then
    /// marked deleted), rather than losing its children.
    func listFSFolders(_ rootDirectory: NoFollowDirectory) throws -> [SourceFolder] {
        var result: [SourceFolder] = []
        func walk(_ directory: NoFollowDirectory, _ relative: [String], depth: Int) throws {
            for name in try folderDirectories(in: directory, parent: relative, includeHidden: false, report: true).sorted()
            where !MaildirSource.reservedNames.contains(name) {
                let child = relative + [name]
                let path = FolderPath(child.map(FolderNameEscape.decode))
                result.append(describeFolder(path: path, upstreamName: child.joined(separator: "/"), in: rootDirectory))
                guard let opened = try directory.directory(name) else { continue }
                guard depth + 1 < MaildirSource.maximumFolderDepth else {
                    if try !folderDirectories(in: opened, parent: child, includeHidden: false, report: false)
                        .filter({ !MaildirSource.reservedNames.contains($0) }).isEmpty
                    {
                        skips.record(SkippedEntry(
                            folder: path, name: child.joined(separator: "/"),
                            reason: .nestedTooDeep(limit: MaildirSource.maximumFolderDepth)))
                    }
                    continue
                }
                try walk(opened, child, depth: depth + 1)
            }
        }
        try walk(rootDirectory, [], depth: 0)
        return result
    }

    /// The folder at `upstreamName`. A folder whose directory cannot be read is
    /// described as selectable without identity or size, so that its sync fails and
    /// reports why instead of the folder vanishing from the listing.
    func describeFolder(path: FolderPath, upstreamName: String, in rootDirectory: NoFollowDirectory) -> SourceFolder {
        let unreadable = SourceFolder(path: path, upstreamName: upstreamName, specialUse: guessSpecialUse(path), selectable: true)
        do {
            let parts = upstreamName == "." ? [] : upstreamName.split(separator: "/").map(String.init)
            guard let directory = try rootDirectory.directory(path: parts) else { return unreadable }
            let hasCur = try directory.status("cur") != nil
            let selectable = path == .inbox || hasCur
            var identity: String?
            var sizeHint: Int?
            if selectable {
                if let uidValidity = try DovecotUIDList.readHeader(in: directory)?.uidValidity {
                    identity = "uidvalidity:\(uidValidity)"
                }
                let handles = try FolderHandles(folder: directory)
                sizeHint = try [handles.cur, handles.new].compactMap { $0 }.reduce(0) {
                    $0 + (try DirectoryReader.countFiles(inDescriptor: $1.descriptor, path: $1.path))
                }
            }
            return SourceFolder(
                path: path, upstreamName: upstreamName, specialUse: guessSpecialUse(path),
                identity: identity, selectable: selectable, sizeHint: sizeHint)
        } catch {
            return unreadable
        }
    }
}
