import GRDB

/// The SQL of the full-text index's triggers (docs/FORMAT.md §4).
extension CatalogSchema {
    /// The search-index triggers of format 11 (FORMAT.md §4), beside `item_text_delete`.
    /// An FTS5 query inside a statement that writes the same FTS5 table makes SQLite
    /// prepare FTS5's internal statements again for every row (7 prepares a row, each
    /// through the connection's authorizer); the body a row keeps is therefore read from
    /// FTS5's content table `item_text_content` (column `c3`), a plain table lookup. A new
    /// id, the common case, is inserted without lookup and without REPLACE. Written by
    /// migration `v11-run-kinds-text-triggers` only: a later change is a new migration.
    static var textTriggers: String {
        """
        CREATE TRIGGER item_text_insert AFTER INSERT ON items
            WHEN NOT EXISTS (SELECT 1 FROM item_text_content WHERE id = new.id) BEGIN
            INSERT INTO item_text(rowid, subject, sender, recipients, body) VALUES (new.id, \(textColumns("new")), '');
        END;
        CREATE TRIGGER item_text_reinsert AFTER INSERT ON items
            WHEN EXISTS (SELECT 1 FROM item_text_content WHERE id = new.id) BEGIN
            INSERT OR REPLACE INTO item_text(rowid, subject, sender, recipients, body)
            VALUES (new.id, \(textColumns("new")), COALESCE((SELECT c3 FROM item_text_content WHERE id = new.id), ''));
        END;
        CREATE TRIGGER item_text_update AFTER UPDATE OF id, subject, from_name, from_addr, to_addrs, cc_addrs ON items BEGIN
            INSERT OR REPLACE INTO item_text(rowid, subject, sender, recipients, body)
            VALUES (new.id, \(textColumns("new")), COALESCE((SELECT c3 FROM item_text_content WHERE id = old.id), ''));
            DELETE FROM item_text WHERE rowid = old.id AND old.id != new.id;
        END;
        """
    }

    /// The subject, sender and recipients text of the items row `row` (a table or a
    /// trigger's `new`), as the `item_text` columns hold them.
    static func textColumns(_ row: String) -> String {
        "COALESCE(\(row).subject, ''), "
            + "COALESCE(\(row).from_name, '') || ' ' || COALESCE(\(row).from_addr, ''), "
            + "COALESCE(\(row).to_addrs, '') || ' ' || COALESCE(\(row).cc_addrs, '')"
    }
}
