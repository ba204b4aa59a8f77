import Foundation
import GRDB

/// The catalog's SQL schema as append-only, named migrations (docs/FORMAT.md §4).
/// A shipped migration is never edited: a change is a new migration.
enum CatalogSchema {
    /// Format constant: the store format version this code writes (FORMAT.md §5).
    static let formatVersion = runKindsFormat

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-initial") { db in
            try db.execute(sql: """
                CREATE TABLE meta (
                    key TEXT PRIMARY KEY NOT NULL,
                    value TEXT NOT NULL
                );
                CREATE TABLE runs (
                    id INTEGER PRIMARY KEY,
                    kind TEXT NOT NULL,
                    source TEXT,
                    started_at INTEGER NOT NULL,
                    finished_at INTEGER,
                    status TEXT NOT NULL DEFAULT 'running',
                    items_added INTEGER NOT NULL DEFAULT 0,
                    items_updated INTEGER NOT NULL DEFAULT 0,
                    items_deleted INTEGER NOT NULL DEFAULT 0,
                    items_purged INTEGER NOT NULL DEFAULT 0,
                    folders_added INTEGER NOT NULL DEFAULT 0,
                    folders_deleted INTEGER NOT NULL DEFAULT 0,
                    bytes_added INTEGER NOT NULL DEFAULT 0,
                    error_count INTEGER NOT NULL DEFAULT 0,
                    errors TEXT
                );
                CREATE TABLE folders (
                    id INTEGER PRIMARY KEY,
                    parent_id INTEGER REFERENCES folders(id),
                    name TEXT NOT NULL,
                    path TEXT NOT NULL,
                    upstream_name TEXT,
                    special_use TEXT,
                    identity TEXT,
                    sync_token TEXT,
                    directory TEXT NOT NULL UNIQUE,
                    added_run INTEGER NOT NULL,
                    added_at INTEGER NOT NULL,
                    deleted_run INTEGER,
                    deleted_at INTEGER
                );
                CREATE UNIQUE INDEX folders_live_path ON folders(path) WHERE deleted_run IS NULL;
                CREATE INDEX folders_parent ON folders(parent_id);
                CREATE TABLE items (
                    id INTEGER PRIMARY KEY,
                    folder_id INTEGER NOT NULL REFERENCES folders(id),
                    key TEXT NOT NULL,
                    uid INTEGER,
                    modseq INTEGER,
                    message_id TEXT,
                    from_addr TEXT,
                    from_domain TEXT,
                    from_name TEXT,
                    to_addrs TEXT,
                    cc_addrs TEXT,
                    subject TEXT,
                    sent_at INTEGER,
                    received_at INTEGER NOT NULL,
                    size INTEGER NOT NULL,
                    stored_size INTEGER NOT NULL,
                    flags TEXT NOT NULL,
                    sha256 BLOB NOT NULL,
                    added_run INTEGER NOT NULL,
                    added_at INTEGER NOT NULL,
                    updated_run INTEGER,
                    updated_at INTEGER,
                    deleted_run INTEGER,
                    deleted_at INTEGER,
                    UNIQUE(folder_id, key)
                );
                CREATE INDEX items_from_addr ON items(from_addr);
                CREATE INDEX items_from_domain ON items(from_domain);
                CREATE INDEX items_received ON items(received_at);
                CREATE INDEX items_sent ON items(sent_at);
                CREATE INDEX items_deleted ON items(deleted_run, deleted_at) WHERE deleted_run IS NOT NULL;
                CREATE INDEX items_message_id ON items(message_id);
                CREATE INDEX items_sha256 ON items(sha256);
                CREATE TABLE pending_moves (
                    folder_id INTEGER PRIMARY KEY NOT NULL,
                    old_directory TEXT NOT NULL,
                    new_directory TEXT NOT NULL,
                    new_parent_id INTEGER,
                    new_path TEXT NOT NULL
                );
                """)
            try db.execute(sql: "INSERT INTO meta(key, value) VALUES ('format_version', '1')")
        }
        migrator.registerMigration("v2-shared-bodies") { db in
            try db.execute(sql: """
                ALTER TABLE items ADD COLUMN body_folder_id INTEGER;
                ALTER TABLE items ADD COLUMN body_key TEXT;
                CREATE INDEX items_body ON items(body_folder_id, body_key) WHERE body_folder_id IS NOT NULL;
                CREATE INDEX items_folder_received ON items(folder_id, received_at, key);
                ALTER TABLE items ADD COLUMN email_id TEXT;
                CREATE INDEX items_email_id ON items(email_id) WHERE email_id IS NOT NULL;
                UPDATE meta SET value = '2' WHERE key = 'format_version';
                """)
        }
        migrator.registerMigration("v3-skip-counts") { db in
            try db.execute(sql: """
                ALTER TABLE runs ADD COLUMN items_skipped INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE runs ADD COLUMN folders_skipped INTEGER NOT NULL DEFAULT 0;
                UPDATE meta SET value = '3' WHERE key = 'format_version';
                """)
        }
        migrator.registerMigration("v4-export") { db in
            try db.execute(sql: """
                ALTER TABLE folders ADD COLUMN updated_run INTEGER;
                ALTER TABLE items ADD COLUMN value_run INTEGER;
                CREATE TABLE purged_items (
                    run_id INTEGER NOT NULL,
                    folder_id INTEGER NOT NULL,
                    key TEXT NOT NULL
                );
                CREATE INDEX purged_items_run ON purged_items(run_id);
                CREATE TABLE purged_folders (
                    run_id INTEGER NOT NULL,
                    folder_id INTEGER NOT NULL
                );
                CREATE INDEX purged_folders_run ON purged_folders(run_id);
                CREATE TABLE export_targets (
                    name TEXT PRIMARY KEY NOT NULL,
                    last_sequence INTEGER NOT NULL,
                    last_run INTEGER NOT NULL,
                    last_digest BLOB NOT NULL,
                    last_exported_at INTEGER NOT NULL
                );
                CREATE TABLE replica_bundles (
                    sequence INTEGER PRIMARY KEY NOT NULL,
                    kind TEXT NOT NULL,
                    digest BLOB NOT NULL,
                    parent_digest BLOB,
                    to_run INTEGER NOT NULL,
                    applied_at INTEGER NOT NULL
                );
                UPDATE meta SET value = '4' WHERE key = 'format_version';
                """)
            try db.execute(
                sql: "INSERT INTO meta(key, value) VALUES ('store_id', ?)", arguments: [UUID().uuidString.lowercased()])
        }
        migrator.registerMigration("v5-settings") { db in
            try db.execute(sql: """
                CREATE TABLE settings (
                    id INTEGER PRIMARY KEY,
                    kind TEXT NOT NULL,
                    folder_path TEXT NOT NULL,
                    name TEXT NOT NULL,
                    content BLOB NOT NULL,
                    sha256 BLOB NOT NULL,
                    added_run INTEGER NOT NULL,
                    added_at INTEGER NOT NULL,
                    replaced_run INTEGER,
                    replaced_at INTEGER
                );
                CREATE UNIQUE INDEX settings_live ON settings(kind, folder_path, name) WHERE replaced_run IS NULL;
                CREATE INDEX settings_replaced ON settings(replaced_run, replaced_at) WHERE replaced_run IS NOT NULL;
                CREATE TABLE purged_settings (
                    run_id INTEGER NOT NULL,
                    setting_id INTEGER NOT NULL
                );
                CREATE INDEX purged_settings_run ON purged_settings(run_id);
                UPDATE meta SET value = '5' WHERE key = 'format_version';
                """)
        }
        // Format 6 adds item values of body kind 2, whose frame is in segment records
        // (FORMAT.md §3): no table changes, but code of formats 3 to 5 must refuse the store.
        migrator.registerMigration("v6-segmented-bodies") { db in
            try db.execute(sql: "UPDATE meta SET value = '6' WHERE key = 'format_version'")
        }
        // Format 7: full-text search over items (FTS5, kept by triggers, so backup, purge,
        // repair and import maintain it alike) and legal holds (FORMAT.md §4).
        migrator.registerMigration("v7-search-hold") { db in
            try db.execute(sql: """
                CREATE VIRTUAL TABLE item_text USING fts5(
                    subject, sender, recipients, body, tokenize = 'unicode61 remove_diacritics 2');
                INSERT INTO item_text(rowid, subject, sender, recipients, body)
                    SELECT id, \(textColumns("items")), '' FROM items;
                CREATE TRIGGER item_text_insert AFTER INSERT ON items BEGIN
                    INSERT OR REPLACE INTO item_text(rowid, subject, sender, recipients, body)
                    VALUES (new.id, \(textColumns("new")), COALESCE((SELECT body FROM item_text WHERE rowid = new.id), ''));
                END;
                CREATE TRIGGER item_text_update AFTER UPDATE OF id, subject, from_name, from_addr, to_addrs, cc_addrs ON items BEGIN
                    INSERT OR REPLACE INTO item_text(rowid, subject, sender, recipients, body)
                    VALUES (new.id, \(textColumns("new")), COALESCE((SELECT body FROM item_text WHERE rowid = old.id), ''));
                    DELETE FROM item_text WHERE rowid = old.id AND old.id != new.id;
                END;
                CREATE TRIGGER item_text_delete AFTER DELETE ON items BEGIN
                    DELETE FROM item_text WHERE rowid = old.id;
                END;
                CREATE TABLE holds (
                    id INTEGER PRIMARY KEY,
                    reason TEXT NOT NULL,
                    sender TEXT,
                    period_begin INTEGER,
                    period_end INTEGER,
                    until_at INTEGER,
                    added_run INTEGER NOT NULL,
                    added_at INTEGER NOT NULL,
                    removed_run INTEGER,
                    removed_at INTEGER
                );
                UPDATE meta SET value = '7' WHERE key = 'format_version';
                """)
        }
        // Format 8 lets item values be sealed with the store key (FORMAT.md §10); a sealed
        // store records the key's id in meta `sealed_key_id`. No table changes, but code of
        // formats up to 7 must refuse a store whose values it would take for damage.
        migrator.registerMigration("v8-sealed-values") { db in
            try db.execute(sql: "UPDATE meta SET value = ? WHERE key = 'format_version'", arguments: [String(sealedValuesFormat)])
        }
        // Format 9: calendar and contact items from CalDAV/CardDAV (FORMAT.md §4): their
        // kind, UID, end and open end; the collection a folder mirrors.
        migrator.registerMigration("v9-dav-items") { db in
            try db.execute(sql: """
                ALTER TABLE items ADD COLUMN kind TEXT;
                ALTER TABLE items ADD COLUMN item_uid TEXT;
                ALTER TABLE items ADD COLUMN ends_at INTEGER;
                ALTER TABLE items ADD COLUMN open_ended INTEGER;
                CREATE INDEX items_kind ON items(kind) WHERE kind IS NOT NULL;
                CREATE INDEX items_item_uid ON items(item_uid) WHERE item_uid IS NOT NULL;
                ALTER TABLE folders ADD COLUMN dav_href TEXT;
                ALTER TABLE folders ADD COLUMN dav_properties TEXT;
                """)
            try db.execute(sql: "UPDATE meta SET value = ? WHERE key = 'format_version'", arguments: [String(davItemsFormat)])
        }
        // Format 10 lets a sealed store seal its catalog text too (FORMAT.md §10.6): the
        // sealed columns and the blind index of senders, empty in other stores.
        migrator.registerMigration("v10-sealed-catalog-text") { db in
            try db.execute(sql: """
                ALTER TABLE items ADD COLUMN sealed_text BLOB;
                ALTER TABLE items ADD COLUMN from_addr_mac BLOB;
                ALTER TABLE items ADD COLUMN from_domain_mac BLOB;
                CREATE INDEX items_from_addr_mac ON items(from_addr_mac) WHERE from_addr_mac IS NOT NULL;
                CREATE INDEX items_from_domain_mac ON items(from_domain_mac) WHERE from_domain_mac IS NOT NULL;
                ALTER TABLE holds ADD COLUMN sender_mac BLOB;
                """)
            try db.execute(sql: "UPDATE meta SET value = ? WHERE key = 'format_version'", arguments: [String(sealedCatalogTextFormat)])
        }
        // Format 11: per-kind counts of calendar and contact items in the runs row, and
        // search-index triggers that read a kept body from the FTS5 content table instead
        // of querying the index (FORMAT.md §4); a store without the triggers (sealed
        // catalog text) gets none.
        migrator.registerMigration("v11-run-kinds-text-triggers") { db in
            try db.execute(sql: DAVChangeCounts.runColumnNames.map {
                "ALTER TABLE runs ADD COLUMN \($0) INTEGER NOT NULL DEFAULT 0;"
            }.joined(separator: "\n"))
            if try db.triggerExists("item_text_insert") {
                try db.execute(sql: """
                    DROP TRIGGER item_text_insert;
                    DROP TRIGGER item_text_update;
                    \(textTriggers)
                    """)
            }
            try db.execute(sql: "UPDATE meta SET value = ? WHERE key = 'format_version'", arguments: [String(runKindsFormat)])
        }
        return migrator
    }
}

extension CatalogSchema {
    /// Format constant: the format version of migration `v8-sealed-values`, the one place
    /// its number is written (FORMAT.md §4, §10).
    static let sealedValuesFormat = 8
    /// Format constant: the format version of migration `v9-dav-items` (FORMAT.md §4).
    static let davItemsFormat = 9
    /// Format constant: the format version of migration `v10-sealed-catalog-text`
    /// (FORMAT.md §4, §10.6).
    static let sealedCatalogTextFormat = 10
    /// Format constant: the format version of migration `v11-run-kinds-text-triggers`
    /// (FORMAT.md §4).
    static let runKindsFormat = 11
}
