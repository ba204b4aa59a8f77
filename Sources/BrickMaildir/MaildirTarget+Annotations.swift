import BrickCore
import Foundation
import Glibc

/// Annotations restored into a Maildir go to Dovecot's attribute dictionary file
/// (`DovecotAttributeDict`), keyed by the mailbox GUID of the target folder. A folder
/// is created when missing; one without a `dovecot-uidlist` (never opened by Dovecot)
/// gets one with a new GUID and no messages, which Dovecot takes as its own and fills
/// in at its next sync. Server-level `/shared` annotations are not kept by Dovecot:
/// each is reported in `notKept` and the others go on. The file is rewritten (temp
/// file and rename, links never followed) only when something changed.
extension MaildirTarget {
    /// The dictionary file restored annotations go to.
    var attributeDictionaryPath: String {
        attributeDictionary ?? MaildirSource.defaultAttributeDictionary(besideMaildir: root)
    }

    func writeAnnotations(_ annotations: [MailSetting], report: inout SettingsWriteReport) throws {
        let path = attributeDictionaryPath
        let parent = PathText.parent(of: path)
        let name = (path as NSString).lastPathComponent
        guard let directory = try NoFollowDirectory.open(parent.isEmpty ? "." : parent, create: true) else {
            throw MaildirError.notADirectory(path: parent)
        }
        var dictionary = try directory.readSmallFile(name, limit: 64 << 20).map(DovecotAttributeDict.init(parsing:)) ?? DovecotAttributeDict()
        var changed = false
        var guids: [FolderPath: String] = [:]
        for annotation in annotations {
            let what = "annotation \(annotation.name) of \(annotation.folder?.description ?? "the server")"
            let folder = annotation.folder ?? .inbox
            let key: String?
            do {
                if guids[folder] == nil { guids[folder] = try mailboxGUID(of: folder) }
                key = DovecotAttributeDict.key(entry: annotation.name, guid: guids[folder]!, server: annotation.folder == nil)
            } catch {
                report.failures.append("\(what): \(error)")
                continue
            }
            guard let key else {
                if annotation.folder == nil && annotation.name.lowercased().hasPrefix("/shared/") {
                    report.notKept.append("\(what): Dovecot keeps no server-level /shared annotations")
                } else {
                    report.failures.append("\(what): not a /private or /shared entry")
                }
                continue
            }
            if dictionary.value(of: key) == annotation.content {
                report.unchanged += 1
                continue
            }
            dictionary.set(key, annotation.content)
            changed = true
            report.written.append(annotation)
        }
        guard changed else { return }
        let file = TargetFolder(folder: directory, cur: directory, new: directory, tmp: directory)
        try file.writeAtomically(name, dictionary.encoded())
    }

    /// The folder's mailbox GUID from its `dovecot-uidlist`, which is created (header
    /// only, a new GUID) when the folder has none.
    private func mailboxGUID(of path: FolderPath) throws -> String {
        guard let folder = try openFolder(path, create: true) else { throw MaildirError.folderNotFound(folder: path, upstreamName: "") }
        if let header = try DovecotUIDList.readHeader(in: folder.folder) {
            guard let guid = header.guid else { throw MaildirError.noMailboxGUID(path: folder.folder.child(DovecotUIDList.fileName)) }
            return guid
        }
        let guid = (0..<16).map { _ in String(format: "%02x", UInt8.random(in: .min ... .max)) }.joined()
        let validity = UInt32(truncatingIfNeeded: time(nil))
        try folder.writeAtomically(DovecotUIDList.fileName, Array("3 V\(validity) N1 G\(guid)\n".utf8))
        return guid
    }
}
