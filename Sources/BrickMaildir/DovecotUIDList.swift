import BrickCore
import Glibc

/// A folder's `dovecot-uidlist`: the UIDVALIDITY and the UID Dovecot gave each file,
/// so an item keeps the uid an IMAP client of the same server would see.
///
/// Version 3 (Dovecot 1.0 and later): a header `3 V1234567890 N123 G<guid>`, then one
/// line per message, `uid [extension fields] :filename`. Version 1: a header
/// `1 <uidvalidity> <nextuid>` and lines `uid filename`. The file name may or may not
/// carry the `:2,` flags; only the unique part (the item key) is kept.
public struct DovecotUIDList: Hashable, Sendable {
    /// The file's name inside a folder directory.
    public static let fileName = "dovecot-uidlist"

    /// The folder's UIDVALIDITY.
    public var uidValidity: UInt32?
    /// The next UID Dovecot will assign.
    public var nextUID: UInt32?
    /// The mailbox GUID (version 3's `G` field, 32 hex digits), which keys the folder's
    /// annotations in Dovecot's attribute dictionary.
    public var guid: String?
    /// The UID of each item key.
    public var uids: [ItemKey: UInt32]

    /// Parses the file's text; lines that do not parse are skipped.
    public init(parsing text: String) {
        uids = [:]
        let lines = text.split(whereSeparator: { $0.isNewline })
        guard let header = lines.first else { return }
        let fields = header.split(separator: " ")
        if fields.first == "1", fields.count >= 3 {
            uidValidity = UInt32(fields[1])
            nextUID = UInt32(fields[2])
        } else {
            for field in fields.dropFirst() {
                if field.hasPrefix("V") { uidValidity = UInt32(field.dropFirst()) }
                if field.hasPrefix("N") { nextUID = UInt32(field.dropFirst()) }
                if field.hasPrefix("G"), field.count > 1 { guid = String(field.dropFirst()) }
            }
        }
        let version3 = fields.first != "1"
        for line in lines.dropFirst() {
            guard let space = line.firstIndex(of: " "), let uid = UInt32(line[..<space]) else { continue }
            let rest = line[line.index(after: space)...]
            let name: Substring
            if version3 {
                if rest.hasPrefix(":") {
                    name = rest.dropFirst()
                } else if let marker = rest.range(of: " :") {
                    name = rest[marker.upperBound...]
                } else {
                    continue
                }
            } else {
                name = rest
            }
            guard !name.isEmpty else { continue }
            uids[MaildirFileName(parsing: String(name)).key] = uid
        }
    }
}

extension DovecotUIDList {
    /// Reads only the header line of the folder's file, for UIDVALIDITY without
    /// parsing 100,000 lines; nil when there is no file.
    static func readHeader(in folder: NoFollowDirectory) throws -> DovecotUIDList? {
        guard let head = try folder.readPrefix(fileName, length: 512) else { return nil }
        let line = head.prefix { $0 != UInt8(ascii: "\n") }
        return DovecotUIDList(parsing: String(decoding: line, as: UTF8.self))
    }
}
