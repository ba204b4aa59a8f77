import BrickCore
import Foundation
import Glibc

/// A Maildir's settings are Dovecot's files: the Sieve scripts and active link
/// (`SieveLocation`), the `subscriptions` file in the root, each folder's
/// `dovecot-acl` and the annotations in the attribute dictionary file
/// (`DovecotAttributeDict`, `MaildirSource+Annotations`). Links are never followed:
/// a link where a script or file should be is skipped and reported, except the
/// active-script link, which is read as a link, never opened.
extension MaildirSource: SettingsSource {
    /// Reads the scripts, subscriptions, ACLs and annotations.
    public func readSettings() async throws -> SettingsSnapshot {
        var snapshot = SettingsSnapshot()
        let rootDirectory = try openRoot()
        try readSieve(into: &snapshot)
        if let bytes = try rootDirectory.readSmallFile(DovecotSubscriptions.fileName, limit: 16 << 20) {
            let separator: Character = try resolvedLayout() == .fs ? "/" : "."
            for path in DovecotSubscriptions.parse(bytes, separator: separator) {
                snapshot.settings.append(MailSetting(kind: .subscriptions, name: path.description, content: []))
            }
        }
        snapshot.scopes.insert(SettingScope(kind: .subscriptions))
        let folders = try await listFolders()
        readAnnotations(into: &snapshot, folders: folders)
        for folder in folders {
            let scope = SettingScope(kind: .acl, folder: folder.path)
            snapshot.scopes.insert(scope)
            do {
                // A parent implied by a Maildir++ name has no directory, so no ACL file.
                guard let bytes = try directory(of: folder).readSmallFile(DovecotACLFile.fileName, limit: 1 << 20) else { continue }
                for entry in DovecotACLFile.parse(bytes) {
                    snapshot.settings.append(MailSetting(kind: .acl, folder: folder.path, name: entry.identifier, content: Array(entry.rights.utf8)))
                }
            } catch MaildirError.folderNotFound where !folder.selectable {
                continue
            } catch {
                snapshot.unreadable.insert(scope)
                snapshot.notes.append("\(folder.path): \(DovecotACLFile.fileName) not read: \(error)")
            }
        }
        return snapshot
    }

    /// The scripts in the script directory and which one the active link names. A
    /// missing directory means no scripts; one that cannot be read leaves the stored
    /// scripts as they are.
    private func readSieve(into snapshot: inout SettingsSnapshot) throws {
        let location = sieveLocation ?? SieveLocation(besideMaildir: root)
        let directory: NoFollowDirectory?
        do {
            directory = try NoFollowDirectory.open(location.directory)
        } catch {
            snapshot.notes.append("Sieve scripts not read: \(error)")
            return
        }
        snapshot.scopes.insert(SettingScope(kind: .sieve))
        guard let directory else { return }
        var names = Set<String>()
        for entry in try directory.entries(includeHidden: false) where entry.name.hasSuffix(SieveLocation.scriptSuffix) {
            let name = String(entry.name.dropLast(SieveLocation.scriptSuffix.count))
            guard !name.isEmpty else { continue }
            do {
                guard let bytes = try directory.readSmallFile(entry.name, limit: 16 << 20) else { continue }
                snapshot.settings.append(MailSetting(kind: .sieve, name: name, content: bytes))
                names.insert(name)
            } catch MaildirError.symbolicLink(let path) {
                skips.record(SkippedEntry(folder: nil, name: path, reason: .symbolicLink))
            }
        }
        if let target = try Self.linkTarget(location.activeLink) {
            let file = (target as NSString).lastPathComponent
            let name = file.hasSuffix(SieveLocation.scriptSuffix) ? String(file.dropLast(SieveLocation.scriptSuffix.count)) : file
            if names.contains(name) {
                snapshot.settings.append(MailSetting(kind: .sieve, name: MailSetting.activeScriptName, content: Array(name.utf8)))
            } else {
                snapshot.notes.append("the active Sieve link names \(target), which is not a script of \(location.directory)")
            }
        }
    }

    /// The text of the symbolic link at `path`, nil when there is none (or a regular file is there).
    static func linkTarget(_ path: String) throws -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink(path, &buffer, buffer.count - 1)
        if count < 0 {
            if errno == ENOENT || errno == EINVAL || errno == ENOTDIR { return nil }
            throw MaildirError.systemCall(function: "readlink", path: path, errno: errno)
        }
        return String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
