import BrickCore
import Crypto
import Foundation
import GRDB

/// Settings besides messages (Sieve scripts, ACLs, subscriptions, annotations), kept in
/// the catalog and versioned like items (docs/DESIGN.md, "Settings"): a new version
/// only when the content changed, the old one marked replaced by the run that saw the
/// change, removed by a purge once replaced longer than the retention.
extension UserStore {
    /// Records what a source read in `run`: within the snapshot's scopes, a setting new
    /// or with other content gets a new version (the old one marked replaced), a stored
    /// one not read any more is marked replaced. Settings outside the scopes (a kind the
    /// source does not offer, a folder it could not read) stay as they are. The stored
    /// settings are compared in a read; what changed is written in one catalog
    /// transaction, and nothing when nothing changed (this handle is the store's only
    /// writer, so nothing changes them between the two).
    public func recordSettings(_ snapshot: SettingsSnapshot, run: RunHandle) throws(StoreError) -> SettingsChange {
        var read: [SettingIdentity: MailSetting] = [:]
        for setting in snapshot.settings where snapshot.covers(kind: setting.kind, folder: setting.folder) {
            read[SettingIdentity(setting)] = setting
        }
        let live = try readCatalog { db in
            try Row.fetchAll(db, sql: "SELECT * FROM settings WHERE replaced_run IS NULL").map(StoredSetting.init(row:))
        }
        var change = SettingsChange()
        var replaced: [Int64] = []
        var inserted: [MailSetting] = []
        var stored: [SettingIdentity: StoredSetting] = [:]
        for version in live { stored[SettingIdentity(version.setting)] = version }
        for (identity, version) in stored where snapshot.covers(kind: version.setting.kind, folder: version.setting.folder) {
            guard let now = read[identity] else {
                replaced.append(version.id)
                change.removed += 1
                continue
            }
            if now.content != version.setting.content {
                replaced.append(version.id)
                inserted.append(now)
                change.changed += 1
            }
        }
        for (identity, setting) in read where stored[identity] == nil {
            inserted.append(setting)
            change.added += 1
        }
        guard !replaced.isEmpty || !inserted.isEmpty else { return change }
        try withCatalog { db in
            for id in replaced { try UserStore.markReplaced(db, id: id, run: run) }
            for setting in inserted { try UserStore.insert(db, setting, run: run) }
        }
        return change
    }

    /// The settings as they were after the last backup run on or before `asOf`, or
    /// the current ones; in kind, folder, name order.
    public func settings(asOf: Date? = nil) throws(StoreError) -> [StoredSetting] {
        let run: RunID? = try asOf.map { date throws(StoreError) in try lastBackupRun(onOrBefore: date) ?? -1 }
        return try readCatalog { db in
            if let run {
                return try Row.fetchAll(db, sql: """
                    SELECT * FROM settings WHERE added_run <= ?1 AND (replaced_run IS NULL OR replaced_run > ?1)
                    ORDER BY kind, folder_path, name
                    """, arguments: [run]).map(StoredSetting.init(row:))
            }
            return try Row.fetchAll(db, sql: "SELECT * FROM settings WHERE replaced_run IS NULL ORDER BY kind, folder_path, name")
                .map(StoredSetting.init(row:))
        }
    }

    /// Every version kept, current and replaced, in kind, folder, name, age order.
    public func settingVersions() throws(StoreError) -> [StoredSetting] {
        try readCatalog { db in
            try Row.fetchAll(db, sql: "SELECT * FROM settings ORDER BY kind, folder_path, name, added_run, id").map(StoredSetting.init(row:))
        }
    }

    /// Removes the versions replaced before `cutoff`, inside a purge's catalog
    /// transaction, leaving tombstones while the store has an export target; returns
    /// how many went.
    static func purgeSettings(_ db: GRDB.Database, replacedBefore cutoff: Int64, run: RunID?) throws -> Int {
        try db.execute(sql: """
            INSERT INTO purged_settings(run_id, setting_id)
            SELECT COALESCE(?, \(UserStore.latestRunSQL)), id FROM settings
            WHERE replaced_run IS NOT NULL AND replaced_at < ? AND EXISTS (SELECT 1 FROM export_targets)
            """, arguments: [run, cutoff])
        try db.execute(sql: "DELETE FROM settings WHERE replaced_run IS NOT NULL AND replaced_at < ?", arguments: [cutoff])
        return db.changesCount
    }

    private static func markReplaced(_ db: GRDB.Database, id: Int64, run: RunHandle) throws {
        try db.execute(sql: "UPDATE settings SET replaced_run = ?, replaced_at = ? WHERE id = ?", arguments: [run.id, run.time, id])
    }

    private static func insert(_ db: GRDB.Database, _ setting: MailSetting, run: RunHandle) throws {
        try db.execute(
            sql: """
                INSERT INTO settings(kind, folder_path, name, content, sha256, added_run, added_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                setting.kind.rawValue, StoredSetting.folderColumn(setting.folder), setting.name, Data(setting.content),
                Data(SHA256.hash(data: setting.content)), run.id, run.time,
            ])
    }
}

/// A setting's identity: kind, folder, name.
struct SettingIdentity: Hashable {
    var kind: SettingKind
    var folder: String
    var name: String

    init(_ setting: MailSetting) {
        kind = setting.kind
        folder = StoredSetting.folderColumn(setting.folder)
        name = setting.name
    }
}
