import BerkeleyDB
import BrickCore
import Crypto
import Foundation
import GRDB

/// The repair of a store whose catalog reads but whose values are partly gone
/// (docs/RELIABILITY.md "Repair").
///
/// Every row's value is read and checked as `verify` does. Rows whose bytes are gone
/// (value missing or damaged, or a reference whose holder is gone and no other item
/// holds the same bytes) are removed with their broken values, and the sync tokens of
/// their folders are reset, so the next backup compares those folders in full with
/// the source and fetches again what it still has.
extension UserStore {
    /// The state of one row after reading its value.
    private enum RowState {
        case sound
        case lost(String)
        case refers(BodyReference, sha256: [UInt8], value: [UInt8])
    }

    /// A catalog row as repair needs it.
    private struct RepairRow {
        var folder: StoredFolder
        var key: String
        var sha256: [UInt8]
        var deleted: Bool
        var valuePresent = false
        var state = RowState.sound
        var item: BodyReference { BodyReference(folderID: folder.id, key: ItemKey(key)) }
    }

    /// Removes rows whose bytes are gone, points references whose holder is gone at
    /// another holder of the same bytes, and resets the sync tokens of the folders
    /// that lost rows (`resetToken` maps a folder's token to the one the next backup
    /// starts from; nil makes it compare the folder in full). Records a `repair` run.
    public func repairLostValues(
        into report: inout RepairReport, resetToken: (String) -> String? = { _ in nil }
    ) throws(StoreError) {
        guard isWritable else { throw .readOnly(user: user) }
        let (rows, repointed) = try settleRows(report: &report)
        var lostValues: [BodyReference] = []
        var lostFolders: [FolderID: StoredFolder] = [:]
        for row in rows {
            guard case .lost(let reason) = row.state else { continue }
            report.lost.append(LostItem(
                folder: row.folder.path, key: row.key, reason: reason, deletedUpstream: row.deleted || row.folder.isDeleted))
            if row.valuePresent { lostValues.append(row.item) }
            lostFolders[row.folder.id] = row.folder
        }
        report.referencesRepointed = repointed.count
        mutex.lock()
        defer { mutex.unlock() }
        try rewriteValues(repointed.map { ($0.item, $0.value) }, deleting: lostValues)
        guard !report.lost.isEmpty || !repointed.isEmpty else { return }
        let run = try beginRun(kind: "repair")
        try withCatalog { db in
            let delete = try db.cachedStatement(sql: "DELETE FROM items WHERE folder_id = ? AND key = ?")
            let exported = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM export_targets)") ?? false
            for row in rows {
                guard case .lost = row.state else { continue }
                try delete.execute(arguments: [row.folder.id, row.key])
                if exported {
                    try db.execute(
                        sql: "INSERT INTO purged_items(run_id, folder_id, key) VALUES (?, ?, ?)",
                        arguments: [run.id, row.folder.id, row.key])
                }
            }
            for change in repointed {
                try db.execute(
                    sql: "UPDATE items SET body_folder_id = ?, body_key = ?, value_run = ? WHERE folder_id = ? AND key = ?",
                    arguments: [change.holder.folderID, change.holder.key.rawValue, run.id, change.item.folderID, change.item.key.rawValue])
            }
            for folder in lostFolders.values.sorted(by: { $0.id < $1.id }) where !folder.isDeleted {
                try db.execute(
                    sql: "UPDATE folders SET sync_token = ?, updated_run = ? WHERE id = ?",
                    arguments: [folder.syncToken.flatMap(resetToken), run.id, folder.id])
            }
        }
        report.foldersReset = lostFolders.values.filter { !$0.isDeleted }.map(\.path).sorted { $0.description < $1.description }
        var totals = RunTotals()
        totals.itemsPurged = report.lost.count
        totals.errors = report.unrecoverable.map(\.description)
        try finishRun(run, totals: totals, status: report.unrecoverable.isEmpty ? "ok" : "partial")
    }

    /// Reads and checks every row and settles the references.
    private func settleRows(report: inout RepairReport) throws(StoreError) -> ([RepairRow], [Repointed]) {
        mutex.lock()
        defer { mutex.unlock() }
        var rows = try readRows(report: &report)
        let repointed = try resolveReferences(&rows)
        return (rows, repointed)
    }

    /// Reads every row and checks its value. Call with `mutex` held.
    private func readRows(report: inout RepairReport) throws(StoreError) -> [RepairRow] {
        var result: [RepairRow] = []
        for folder in try folders(includeDeleted: true) {
            var rows = try readCatalog { db in
                try Row.fetchAll(db, sql: "SELECT key, sha256, deleted_run FROM items WHERE folder_id = ? ORDER BY key", arguments: [folder.id])
                    .map { RepairRow(folder: folder, key: $0["key"], sha256: [UInt8]($0["sha256"] as Data), deleted: $0["deleted_run"] as RunID? != nil) }
            }
            guard !rows.isEmpty else { continue }
            let file = layout.url(StoreLayout.itemsFile(folderDirectory: folder.directory))
            guard FileManager.default.fileExists(atPath: file.path) else {
                for index in rows.indices { rows[index].state = .lost("its folder's item file is gone") }
                result += rows
                continue
            }
            let database: ItemFile
            do {
                database = try self.database(for: folder)
            } catch {
                closeDatabases([folder.id])
                let aside = file.path + ".damaged-" + UserStore.repairStamp()
                if rename(file.path, aside) != 0 { throw .io(user: user, path: file.path, operation: "rename", errno: errno) }
                report.itemFilesSetAside.append(aside)
                for index in rows.indices { rows[index].state = .lost("its folder's item file does not open: \(error)") }
                result += rows
                continue
            }
            for index in rows.indices {
                let value = try withBlobs { try database.get(Array(rows[index].key.utf8)) }
                rows[index].valuePresent = value != nil
                let expected = rows[index].sha256
                rows[index].state = value.map { check($0, of: rows[index].item, expected: expected) } ?? .lost("value missing")
            }
            result += rows
        }
        return result
    }

    /// Checks one value: an inline value must decode and hash to `expected`.
    private func check(_ value: [UInt8], of item: BodyReference, expected: [UInt8]) -> RowState {
        do {
            let (header, body) = try ItemValue.decodeHeader(value)
            switch body {
            case .inline:
                let (_, raw) = try ItemValue.decode(value, decompressor: decompressor)
                return Array(SHA256.hash(data: raw)) == expected ? .sound : .lost("value damaged: SHA-256 mismatch")
            case .segmented:
                _ = try frameReader(header: header, holder: item, holderValue: value, locking: false).readToEnd()
                return header.sha256 == expected ? .sound : .lost("value damaged: SHA-256 mismatch")
            case .shared(let reference):
                return .refers(reference, sha256: header.sha256, value: value)
            }
        } catch {
            return .lost("value damaged: \(error)")
        }
    }

    /// A reference pointed at a new holder.
    private struct Repointed {
        var item: BodyReference
        var holder: BodyReference
        var value: [UInt8]
    }

    /// Settles every reference: sound when its holder is sound and holds the same
    /// bytes, pointed at another sound holder of those bytes when there is one, else lost.
    private func resolveReferences(_ rows: inout [RepairRow]) throws(StoreError) -> [Repointed] {
        var sound: [BodyReference: [UInt8]] = [:]
        var holderOf: [[UInt8]: BodyReference] = [:]
        for row in rows {
            guard case .sound = row.state else { continue }
            sound[row.item] = row.sha256
            if holderOf[row.sha256] == nil { holderOf[row.sha256] = row.item }
        }
        var repointed: [Repointed] = []
        for index in rows.indices {
            guard case .refers(let holder, let sha256, let value) = rows[index].state else { continue }
            guard sha256 == rows[index].sha256 else {
                rows[index].state = .lost("value damaged: its header's SHA-256 differs from the catalog's")
                continue
            }
            if sound[holder] == sha256 {
                rows[index].state = .sound
            } else if let other = holderOf[sha256] {
                let rewritten = try withBlobs { try ItemValue.replacingBody(of: value, with: .reference(other)) }
                repointed.append(Repointed(item: rows[index].item, holder: other, value: rewritten))
                rows[index].state = .sound
            } else {
                rows[index].state = .lost("the item holding its bytes (\(holder)) is gone")
            }
        }
        return repointed
    }

    /// Writes the repointed values and deletes the broken ones, in one Berkeley DB
    /// transaction. Call with `mutex` held.
    private func rewriteValues(_ values: [(BodyReference, [UInt8])], deleting lost: [BodyReference]) throws(StoreError) {
        guard !values.isEmpty || !lost.isEmpty else { return }
        try withBlobs {
            try retryingDeadlocks {
                let transaction = try environment.beginTransaction()
                for (item, value) in values {
                    guard let database = try database(forFolderID: item.folderID) else { continue }
                    try database.put(Array(item.key.rawValue.utf8), value, in: transaction)
                }
                for item in lost {
                    guard let database = try database(forFolderID: item.folderID) else { continue }
                    let keyBytes = Array(item.key.rawValue.utf8)
                    let old = try database.get(keyBytes, in: transaction)
                    try deleteSegments(of: keyBytes, from: 0, oldValue: old, in: database, transaction: transaction)
                    _ = try database.delete(keyBytes, in: transaction)
                }
                try transaction.commit()
            }
        }
    }

    /// A UTC time stamp for names of files set aside, e.g. `20261201T150405Z`.
    static func repairStamp(_ date: Date = Date()) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return formatter.string(from: date)
    }
}
