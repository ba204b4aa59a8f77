import BrickCore
import BrickMessage
import Foundation
import GRDB

/// Messages the server says the store already holds (same EMAILID, RFC 8474), recorded
/// without their bytes: each gets a reference to the item holding them and a catalog
/// row whose message fields are that item's.
extension UserStore {
    /// Of `emailIDs`, those an item in the store (any folder, deleted or not) carries.
    public func knownEmailIDs(_ emailIDs: [String]) throws(StoreError) -> Set<String> {
        try readCatalog { db in
            var known = Set<String>()
            try UserStore.inChunks(emailIDs) { marks, values in
                known.formUnion(try String.fetchAll(
                    db, sql: "SELECT DISTINCT email_id FROM items WHERE email_id IN (\(marks))", arguments: StatementArguments(values)))
            }
            return known
        }
    }

    /// The values and row fields of copied items, as references to the items holding
    /// their bytes. A copy whose key already has a row keeps that row's value (a rerun
    /// after a crash). Call with `mutex` held.
    func prepareCopies(_ copies: [CopiedItem], folder: StoredFolder) throws(StoreError) -> [PreparedItem] {
        guard !copies.isEmpty else { return [] }
        return try readCatalog { db in
            var prepared: [PreparedItem] = []
            for copy in copies {
                guard let row = try Row.fetchOne(db, sql: """
                    SELECT folder_id, key, body_folder_id, body_key, message_id, from_addr, from_name, to_addrs, cc_addrs,
                        subject, sealed_text, sent_at, size, sha256 FROM items WHERE email_id = ? LIMIT 1
                    """, arguments: [copy.emailID])
                else {
                    throw StoreError.itemNotFound(user: user, folder: folder.path.description, key: "\(copy.key) (EMAILID \(copy.emailID))")
                }
                let holder = (row["body_folder_id"] as FolderID?).map { BodyReference(folderID: $0, key: ItemKey(row["body_key"] as String)) }
                    ?? BodyReference(folderID: row["folder_id"], key: ItemKey(row["key"] as String))
                let own = BodyReference(folderID: folder.id, key: copy.key)
                let hasRow = try Bool.fetchOne(
                    db, sql: "SELECT 1 FROM items WHERE folder_id = ? AND key = ?", arguments: [folder.id, copy.key.rawValue]) ?? false
                if hasRow || holder == own { continue }
                let header = ItemHeader(
                    flags: copy.flags, internalDate: Int64(copy.internalDate.timeIntervalSince1970.rounded(.down)),
                    rawSize: UInt64(clamping: row["size"] as Int64), uid: copy.uid ?? 0, modSeq: copy.modSeq ?? 0,
                    sha256: [UInt8](row["sha256"] as Data))
                var text = CatalogText(values: CatalogText.columns.map { row[$0] as String? })
                if let sealed = row["sealed_text"] as Data?, let seal = sealing.textSeal {
                    text = try seal.open([UInt8](sealed), folder: row["folder_id"], key: row["key"])
                }
                let summary = MessageSummary(
                    messageID: row["message_id"], fromAddress: text["from_addr"], fromName: text["from_name"],
                    to: Self.addresses(text["to_addrs"]), cc: Self.addresses(text["cc_addrs"]), subject: text["subject"],
                    sentDate: Row.date(row, "sent_at"))
                let item = SourceItem(
                    key: copy.key, flags: copy.flags, internalDate: copy.internalDate, uid: copy.uid, modSeq: copy.modSeq,
                    raw: [], emailID: copy.emailID)
                prepared.append(PreparedItem(
                    item: item, summary: summary, header: header, value: ItemValue.encode(header: header, sharing: holder),
                    sharedBody: holder))
            }
            return prepared
        }
    }

    /// A catalog list of addresses back as an array.
    private static func addresses(_ text: String?) -> [String] {
        text.map { $0.components(separatedBy: ", ") } ?? []
    }
}
