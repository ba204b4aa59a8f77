import BrickCore
import Foundation

/// A Maildir's annotations: the entries of the user's attribute dictionary file
/// (`DovecotAttributeDict`), each given to the folder whose `dovecot-uidlist` carries
/// its mailbox GUID, or to the server for INBOX's server-level ones. A missing file
/// means no annotations; one that cannot be read leaves the stored ones as they are.
/// Entries of a GUID no folder has (a folder deleted behind Dovecot's back) are
/// counted in one note, not kept.
extension MaildirSource {
    /// The dictionary file: `attributeDictionary`, or `dovecot-attributes` beside the Maildir.
    var attributeDictionaryPath: String {
        attributeDictionary ?? Self.defaultAttributeDictionary(besideMaildir: root)
    }

    /// Dovecot's usual place for the Maildir at `root`: `dovecot-attributes` in its parent.
    public static func defaultAttributeDictionary(besideMaildir root: URL) -> String {
        root.standardizedFileURL.deletingLastPathComponent().appendingPathComponent(DovecotAttributeDict.defaultFileName).path
    }

    /// Adds the annotations of `folders` and the server to `snapshot`.
    func readAnnotations(into snapshot: inout SettingsSnapshot, folders: [SourceFolder]) {
        let path = attributeDictionaryPath
        let bytes: [UInt8]?
        do {
            let parent = PathText.parent(of: path)
            bytes = try NoFollowDirectory.open(parent.isEmpty ? "." : parent)?
                .readSmallFile((path as NSString).lastPathComponent, limit: 64 << 20)
        } catch {
            snapshot.notes.append("annotations not read from \(path): \(error)")
            return
        }
        snapshot.scopes.insert(SettingScope(kind: .metadata))
        guard let bytes else { return }
        var folderOfGUID: [String: FolderPath] = [:]
        for folder in folders where folder.selectable {
            if let guid = try? DovecotUIDList.readHeader(in: directory(of: folder))?.guid { folderOfGUID[guid] = folder.path }
        }
        let inboxGUID = folderOfGUID.first { $0.value == .inbox }?.key
        var strays = 0
        for (key, value) in DovecotAttributeDict(parsing: bytes).entries {
            guard let annotation = DovecotAttributeDict.annotation(of: key, inboxGUID: inboxGUID) else { continue }
            if annotation.server {
                snapshot.settings.append(MailSetting(kind: .metadata, name: annotation.entry, content: value))
            } else if let folder = folderOfGUID[annotation.guid] {
                snapshot.settings.append(MailSetting(kind: .metadata, folder: folder, name: annotation.entry, content: value))
            } else {
                strays += 1
            }
        }
        if strays > 0 {
            snapshot.notes.append("\(strays) annotations in \(path) belong to no folder of the Maildir (no dovecot-uidlist has their GUID); not kept")
        }
    }
}

