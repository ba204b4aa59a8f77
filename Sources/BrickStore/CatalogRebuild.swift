import BerkeleyDB
import BrickCore
import BrickMessage
import Foundation
import GRDB
import LZ4

/// Rebuilds a lost or unreadable catalog from what the item files hold
/// (docs/RELIABILITY.md "Repair").
///
/// Folders come from the directory tree: each `folders/<id>` directory is the folder
/// with that id, nested under its parent's, its path read from its `path` file and, for
/// a calendar or address book, its collection from its `dav` file (`DAVFolderFile`).
/// Items come from the values: the header gives flags, internal date, size, UID, MODSEQ
/// (a DAV item's ETag hash) and SHA-256; the message headers (sender, subject,
/// Message-ID, …), or a DAV item's iCalendar/vCard summary, are parsed again from the
/// raw bytes (`RebuiltSummary`). What the values do not hold is lost: deletion marks and times, the
/// run history and the sync tokens, so every item comes back as present and the next
/// backup compares every folder in full (marking deleted what the source no longer has).
/// The new catalog is built beside the old one and renamed into place; the old one is
/// kept as `catalog.sqlite.damaged-<time>`.
struct CatalogRebuild {
    let layout: StoreLayout
    let user: String
    let sealing: StoreSealing

    /// What is wrong with the catalog, or nil when it opens and passes SQLite's quick check.
    static func problem(layout: StoreLayout) -> String? {
        guard FileManager.default.fileExists(atPath: layout.catalog.path) else { return "catalog.sqlite is missing" }
        do {
            var configuration = Configuration()
            configuration.readonly = true
            let queue = try DatabaseQueue(path: layout.catalog.path, configuration: configuration)
            let result = try queue.read { db -> [String] in
                _ = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM items")
                _ = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM folders")
                return try String.fetchAll(db, sql: "PRAGMA quick_check")
            }
            return result == ["ok"] ? nil : result.prefix(3).joined(separator: "; ")
        } catch {
            return "\(error)"
        }
    }

    /// Builds the new catalog, sets the old one aside and puts the new one in its place.
    func run(into report: inout RepairReport) throws(StoreError) {
        let building = layout.url("catalog.rebuilding.sqlite")
        for suffix in ["", "-journal", "-wal", "-shm"] { unlink(building.path + suffix) }
        try FileSystem.touchPrivateFile(building, user: user)
        let environment = try SharedEnvironment.open(home: layout.environment, user: user, reader: false)
        var databases: [FolderID: ItemFile] = [:]
        defer { withExtendedLifetime(environment) { for database in databases.values { database.close() } } }
        do {
            let queue = try DatabaseQueue(path: building.path)
            try CatalogSchema.migrator.migrate(queue)
            try queue.write { db in
                try db.execute(sql: "INSERT INTO meta(key, value) VALUES ('user', ?)", arguments: [user])
                try restoreExportState(db, into: &report)
                let time = Int64(Date().timeIntervalSince1970)
                try db.execute(sql: "INSERT INTO runs(kind, source, started_at, finished_at, status) VALUES ('repair', 'rebuilt catalog', ?, ?, 'ok')", arguments: [time, time])
                let run = RunHandle(id: db.lastInsertedRowID, time: time)
                var folders: [RebuiltFolder] = []
                try insertFolders(db, under: nil, parentID: nil, run: run, into: &folders)
                report.foldersRebuilt = folders.count
                let directories = Dictionary(folders.map { ($0.id, $0.directory) }, uniquingKeysWith: { first, _ in first })
                let open: (FolderID) throws -> ItemFile? = { id in
                    if let database = databases[id] { return database }
                    guard let directory = directories[id] else { return nil }
                    let file = StoreLayout.itemsFile(folderDirectory: directory)
                    guard FileManager.default.fileExists(atPath: layout.url(file).path) else { return nil }
                    let database = ItemFile(
                        database: try BerkeleyDB.Database(file: file, in: environment, create: false), folderID: id, sealing: sealing, user: user)
                    databases[id] = database
                    return database
                }
                for folder in folders {
                    let database: ItemFile?
                    do {
                        database = try open(folder.id)
                    } catch {
                        continue  // the second pass sets an unopenable file aside
                    }
                    guard let database else { continue }
                    try insertItems(db, folder: folder, from: database, run: run, open: open, report: &report)
                }
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw .catalog(user: user, underlying: error)
        }
        // The old catalog gets a second name first and its WAL moves with it (SQLite
        // would apply it to the new file); then one rename replaces it. A kill at any
        // point leaves a catalog that the next repair rebuilds again.
        var aside = layout.catalog.path + ".damaged-" + UserStore.repairStamp()
        if FileManager.default.fileExists(atPath: layout.catalog.path) {
            var attempt = 1
            while link(layout.catalog.path, aside) != 0 {
                guard errno == EEXIST, attempt < 100 else { throw .io(user: user, path: aside, operation: "link", errno: errno) }
                aside = layout.catalog.path + ".damaged-" + UserStore.repairStamp() + "-\(attempt)"
                attempt += 1
            }
            for suffix in ["-wal", "-shm"] where FileManager.default.fileExists(atPath: layout.catalog.path + suffix) {
                if rename(layout.catalog.path + suffix, aside + suffix) != 0 {
                    throw .io(user: user, path: layout.catalog.path + suffix, operation: "rename", errno: errno)
                }
            }
            report.damagedCatalogKeptAt = aside
        }
        if rename(building.path, layout.catalog.path) != 0 {
            throw .io(user: user, path: building.path, operation: "rename", errno: errno)
        }
        FileSystem.syncDirectory(layout.userDirectory)
    }

    /// Takes the store's identity and its export targets from `export-cursors`: each
    /// target's cursor keeps its last sequence and digest with run 0, so its next
    /// export is a full bundle that follows the last one (FORMAT.md §5a).
    private func restoreExportState(_ db: GRDB.Database, into report: inout RepairReport) throws {
        guard let saved = ExportCursorFile.read(layout) else { return }
        try db.execute(sql: "UPDATE meta SET value = ? WHERE key = 'store_id'", arguments: [saved.storeID])
        report.storeIdentityKept = true
        for target in saved.targets {
            try db.execute(
                sql: "INSERT INTO export_targets(name, last_sequence, last_run, last_digest, last_exported_at) VALUES (?, ?, 0, ?, ?)",
                arguments: [target.name, Int64(target.lastSequence), Data(target.lastDigest), target.lastExportedAt])
            report.exportTargetsKept.append(target.name)
        }
    }

    /// Inserts the folders whose directories are in `directory/folders`, parents first.
    /// Of two folders with the same path, the one with the larger id stays live.
    private func insertFolders(
        _ db: GRDB.Database, under directory: String?, parentID: FolderID?, run: RunHandle,
        into folders: inout [RebuiltFolder]
    ) throws {
        let container = (directory.map { $0 + "/" } ?? "") + "folders"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: layout.url(container).path)) ?? []
        for id in names.compactMap({ FolderID($0) }).filter({ $0 > 0 }).sorted() {
            let folderDirectory = StoreLayout.folderDirectory(id: id, parentDirectory: directory)
            let path = recordedPath(folderDirectory, levelsUp: 0) ?? FolderPath(["Recovered", "\(id)"])
            var deleted = false
            if let other = try Row.fetchOne(db, sql: "SELECT id FROM folders WHERE path = ? AND deleted_run IS NULL", arguments: [path.description]) {
                let otherID: FolderID = other["id"]
                if otherID < id {
                    try db.execute(sql: "UPDATE folders SET deleted_run = ?, deleted_at = ? WHERE id = ?", arguments: [run.id, run.time, otherID])
                    if let index = folders.firstIndex(where: { $0.id == otherID }) { folders[index].deleted = true }
                } else {
                    deleted = true
                }
            }
            let dav = DAVFolderFile.read(folderDirectory: folderDirectory, layout: layout)
            try db.execute(
                sql: """
                    INSERT INTO folders(id, parent_id, name, path, directory, added_run, added_at, deleted_run, deleted_at,
                        upstream_name, identity, dav_href, dav_properties)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [id, parentID, path.name, path.description, folderDirectory, run.id, run.time,
                            deleted ? run.id : nil, deleted ? run.time : nil, dav?.href, dav?.identity, dav?.href, dav?.properties])
            folders.append(RebuiltFolder(id: id, directory: folderDirectory, deleted: deleted, isDAV: dav != nil))
            try insertFolders(db, under: folderDirectory, parentID: id, run: run, into: &folders)
        }
    }

    /// The path in a folder directory's `path` file, or else (a parent folder that never
    /// held an item has none) the path of a descendant with its last components dropped.
    private func recordedPath(_ folderDirectory: String, levelsUp: Int) -> FolderPath? {
        let text = (try? String(contentsOf: layout.url(folderDirectory + "/path"), encoding: .utf8))?.trimmingCharacters(in: .newlines)
        if let text, case let path = FolderPath(parsing: text), path.components.count > levelsUp {
            return FolderPath(Array(path.components.dropLast(levelsUp)))
        }
        let children = (try? FileManager.default.contentsOfDirectory(atPath: layout.url(folderDirectory + "/folders").path)) ?? []
        for child in children.compactMap({ FolderID($0) }).sorted() {
            if let path = recordedPath(folderDirectory + "/folders/\(child)", levelsUp: levelsUp + 1) { return path }
        }
        return nil
    }

    /// Inserts one row per value of a folder's item file.
    private func insertItems(
        _ db: GRDB.Database, folder rebuilt: RebuiltFolder, from database: ItemFile, run: RunHandle,
        open: (FolderID) throws -> ItemFile?, report: inout RepairReport
    ) throws {
        let folder = rebuilt.id
        let decompressor = LZ4Frame()
        let cursor = try database.cursor()
        defer { cursor.close() }
        let insert = try db.cachedStatement(sql: """
            INSERT INTO items(folder_id, key, uid, modseq, message_id, from_addr, from_domain, from_name, to_addrs, cc_addrs,
                subject, sealed_text, from_addr_mac, from_domain_mac, sent_at, received_at, size, stored_size, flags, sha256,
                body_folder_id, body_key, added_run, added_at, kind, item_uid, ends_at, open_ended, deleted_run, deleted_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        var walk = SegmentWalk()
        while let (keyBytes, opened) = try cursor.nextRecord() {
            guard case .success(let value) = opened else {
                if case .item = walk.classify(key: keyBytes, unreadable: ()) { report.undecodableValues += 1 }
                continue
            }
            // Segment records are parts of an item's value, not items.
            guard case .item = walk.classify(key: keyBytes, value: value) else { continue }
            guard let decoded = try? ItemValue.decodeHeader(value) else {
                report.undecodableValues += 1
                continue
            }
            let (header, body) = decoded
            var holder = value
            var holderFile: ItemFile? = database
            var holderKey = keyBytes
            var reference: BodyReference?
            if case .shared(let shared) = body {
                reference = shared
                holderFile = try? open(shared.folderID)
                holderKey = Array(shared.key.rawValue.utf8)
                holder = (try? holderFile?.get(holderKey)) ?? []
            }
            let raw: [UInt8]
            if case .segmented(let frameLength, let count)? = try? ItemValue.decodeHeader(holder).1 {
                // Only the start of a large message: its header is all the row needs.
                let fetch: (UInt32) throws -> [UInt8]? = { try holderFile?.get(SegmentKey.key(item: holderKey, index: $0)) }
                let reader = try? FrameReader(header: header, source: .segments(count: count, frameLength: frameLength, fetch: fetch))
                raw = (try? reader?.readPrefix(UserStore.summaryPrefix)) ?? []
            } else {
                raw = (try? ItemValue.decode(value, frameFrom: holder, decompressor: decompressor).1) ?? []
            }
            let summary = RebuiltSummary(raw: raw, isDAV: rebuilt.isDAV)
            var storedSize = value.count
            if case .segmented(let frameLength, _) = body { storedSize += Int(clamping: frameLength) }
            let key = String(decoding: keyBytes, as: UTF8.self)
            let text = try ItemTextColumns(summary.text, seal: sealing.textSeal, folder: folder, key: key)
            let arguments = StatementArguments(
                [folder, key, header.uid == 0 ? nil : Int64(header.uid), header.modSeq == 0 ? nil : Int64(bitPattern: header.modSeq),
                 summary.messageID] + text.values + [
                    summary.sentAt, header.internalDate, Int64(clamping: header.rawSize), storedSize, header.flags.description,
                    Data(header.sha256), reference?.folderID, reference?.key.rawValue, run.id, run.time,
                ] + summary.davColumns)
            try insert.execute(arguments: arguments + [rebuilt.deleted ? run.id : nil, rebuilt.deleted ? run.time : nil])
            report.itemsRebuilt += 1
        }
    }
}

extension UserStore {
    /// Repairs the store of `user` in `layout` (`brick-backup repair`): rebuilds the
    /// catalog from the item values when it is missing or unreadable, then removes rows
    /// whose bytes are gone and resets their folders' sync tokens (see
    /// `repairLostValues`). Holds the writer lock throughout.
    public static func repair(
        layout: StoreLayout, user: String? = nil, keyring: StoreKeyring = .shared, resetToken: (String) -> String? = { _ in nil }
    ) throws(StoreError) -> RepairReport {
        let user = user ?? layout.userDirectory.lastPathComponent
        guard FileManager.default.fileExists(atPath: layout.catalog.path)
            || FileManager.default.fileExists(atPath: layout.url("folders").path)
        else { throw .storeNotFound(user: user, path: layout.userDirectory.path) }
        var report = RepairReport()
        do {
            let lock = try WriterLock(url: layout.lock, user: user)
            if let problem = CatalogRebuild.problem(layout: layout) {
                report.catalogProblem = problem
                let sealing = try UserStore.sealing(layout: layout, user: user, creating: false, writable: true, keyring: keyring)
                try CatalogRebuild(layout: layout, user: user, sealing: sealing).run(into: &report)
            }
            withExtendedLifetime(lock) {}
        }
        let store = try UserStore(layout: layout, user: user, mode: .readWrite, keyring: keyring)
        try store.repairLostValues(into: &report, resetToken: resetToken)
        return report
    }
}
