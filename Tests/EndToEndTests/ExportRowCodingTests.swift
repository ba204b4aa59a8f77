import BrickBundle
@testable import BrickOffsite
@testable import BrickStore
import Foundation
import GRDB
import Testing

/// The export codes item rows from the catalog's columns (`ItemRowCoder`); the bytes
/// must equal those of the row read as a dictionary and coded through `BundleFields`,
/// as exports did before and still do for a store that seals catalog text.
@Suite struct ExportRowCodingTests {
    /// One item record: its type, payload and the value that follows it.
    struct Coded: Equatable {
        var type: UInt16
        var payload: [UInt8]
        var folder: FolderID?
        var key: String?
        /// The value's stored size, which places the full export's read-ahead.
        var size: Int64?
    }

    /// The item records after `cursor` as the exporter codes them, `limit` rows a page.
    func coded(_ store: UserStore, after cursor: RunID, kind: BundleKind, limit: Int) throws -> [Coded] {
        let exporter = BundleExporter(target: "t", full: kind == .full, brickVersion: "test")
        var records: [Coded] = []
        var position: ItemPosition?
        repeat {
            var jobs: [ItemJob] = []
            position = try exporter.itemPage(store, after: cursor, kind: kind, following: position, into: &jobs, limit: limit)
            records += jobs.map { job in
                Coded(type: job.type.rawValue, payload: job.payload, folder: job.value?.folder, key: job.value?.key,
                      size: job.value == nil ? nil : job.valueSize)
            }
        } while position != nil
        return records
    }

    /// The same records from rows as dictionaries, coded field by field.
    func reference(_ store: UserStore, after cursor: RunID, kind: BundleKind) throws -> [Coded] {
        var records: [Coded] = []
        try store.forEachChangedItem(after: cursor) { row, valueChanged in
            if kind == .incremental && !valueChanged {
                let change = row.filter { OffsiteColumns.itemChangeNames.contains($0.key) }
                let fields = try RowCoding.fields(of: change, table: "items", columns: OffsiteColumns.itemChange, user: "alice")
                records.append(Coded(type: 10, payload: fields.encoded()))
            } else {
                let fields = try RowCoding.fields(of: row, table: "items", columns: OffsiteColumns.items, user: "alice")
                records.append(Coded(
                    type: 2, payload: fields.encoded(), folder: valueChanged ? row["folder_id"]?.integer : nil,
                    key: valueChanged ? row["key"]?.text : nil, size: valueChanged ? row["stored_size"]?.integer : nil))
            }
        }
        return records
    }

    /// A primary with two runs; the second changes flags, removes and adds mail.
    func primary() throws -> (OffsiteWorkspace, UserStore) {
        let site = OffsiteWorkspace(work: try Workspace())
        let mail = MaildirChanges(root: site.work.maildir("alice"))
        try site.backup()
        let inbox = try mail.messages()
        try mail.setFlags(inbox[0], "FRS")
        try mail.remove(inbox[1])
        try mail.addMessage(name: "1800000001.M1P1.coding", subject: "Grüße aus Köln")
        try site.backup()
        let store = try UserStore(layout: StoreLayout(userDirectory: site.work.store.appendingPathComponent("alice")), mode: .readWrite)
        return (site, store)
    }

    @Test func itemRecordsCodedFromColumnsEqualTheRowsCodedAsDictionaries() throws {
        let (_, store) = try primary()
        // Values a catalog can hold that a backup does not write: text that is not
        // UTF-8 or holds a NUL, a REAL in an integer column, an empty blob, NULLs.
        try store.withCatalog { db in
            let ids = try Int64.fetchAll(db, sql: "SELECT id FROM items ORDER BY id LIMIT 2")
            try db.execute(
                sql: """
                    UPDATE items SET subject = CAST(x'ff41c328' AS TEXT), from_name = CAST(x'41004243' AS TEXT),
                        size = 1500.75, sha256 = x'' WHERE id = ?
                    """, arguments: [ids[0]])
            try db.execute(sql: "UPDATE items SET message_id = NULL, flags = '', to_addrs = 'Zoë <z@example.org>' WHERE id = ?", arguments: [ids[1]])
        }
        let rows = try store.readCatalog { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM items") } ?? 0
        for (cursor, kind) in [(RunID(0), BundleKind.full), (RunID(1), .incremental)] {
            let expected = try reference(store, after: cursor, kind: kind)
            #expect(!expected.isEmpty)
            if kind == .full { #expect(expected.count == rows) }
            if kind == .incremental { #expect(expected.contains { $0.type == 10 } && expected.contains { $0.type == 2 }) }
            for limit in [1, 2, 3, 256] {
                let records = try coded(store, after: cursor, kind: kind, limit: limit)
                let first = zip(records, expected).enumerated().first { $0.element.0 != $0.element.1 }?.offset
                #expect(
                    records.count == expected.count && first == nil,
                    "cursor \(cursor), \(limit) rows a page: \(records.count) records against \(expected.count), first difference at \(first.map(String.init) ?? "none")")
            }
        }
    }

    @Test func aCatalogColumnWithoutAFieldFailsTheExport() throws {
        let (_, store) = try primary()
        try store.withCatalog { db in try db.execute(sql: "ALTER TABLE items ADD COLUMN stray TEXT") }
        #expect {
            _ = try coded(store, after: 0, kind: .full, limit: 256)
        } throws: { error in
            guard case OffsiteError.unmappedColumn(_, "items", "stray")? = error as? OffsiteError else { return false }
            return true
        }
    }
}
