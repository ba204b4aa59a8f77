import BrickCore
import Foundation
import GRDB

/// A user's catalog opened for reading alone, without the Berkeley DB environment: what
/// a search across thousands of stores needs, at the cost of one SQLite open each.
/// An older store is first migrated by opening it as a `UserStore` reader (which
/// migrates while no writer holds it).
public final class StoreCatalog: @unchecked Sendable {
    /// The user whose catalog this is.
    public let user: String
    private let queue: DatabaseQueue
    /// The hold on a store whose disk is full (`FullDiskReadHold`), kept with the queue.
    private let fullDiskHold: FullDiskReadHold?
    private let text: CatalogTextAccess

    /// Opens the catalog of the store in `directory` for reading; a catalog whose text
    /// is sealed (docs/FORMAT.md §10.6) finds its key in `keyring`.
    public init(directory: URL, user: String? = nil, keyring: StoreKeyring = .shared) throws(StoreError) {
        let user = user ?? directory.lastPathComponent
        self.user = user
        let layout = StoreLayout(userDirectory: directory)
        guard FileManager.default.fileExists(atPath: layout.catalog.path) else {
            throw .storeNotFound(user: user, path: directory.path)
        }
        if let sealing = try UserSealing.read(userDirectory: directory, user: user), sealing.sealsCatalogText {
            let key = try keyring.key(forRoot: directory.deletingLastPathComponent(), user: user)
            if let key, key.keyID != sealing.keyID {
                throw .sealing(detail: "the store of user \(user) is sealed with key \(Hex.encode(sealing.keyID)), not with the key given (\(key.keyIDText))")
            }
            text = CatalogTextAccess(sealed: true, seal: key.map { CatalogTextSeal(storeKey: $0, userSalt: sealing.userSalt) }, user: user)
        } else {
            text = .clear(user: user)
        }
        do {
            let open = { (path: String) in try DatabaseQueue(path: path, configuration: StoreCatalog.readOnlyConfiguration) }
            var (queue, hold) = try CatalogConnection.openReader(layout, open)
            if !CatalogFormat.isCurrent(queue) {
                try queue.close()
                hold = nil
                _ = try UserStore(layout: layout, user: user, mode: .readOnly)
                (queue, hold) = try CatalogConnection.openReader(layout, open)
            }
            self.queue = queue
            fullDiskHold = hold
        } catch let error as StoreError {
            throw error
        } catch {
            throw .catalog(user: user, underlying: error)
        }
    }

    /// How a catalog is opened only to be read: `SQLITE_OPEN_READONLY` (no writes, no
    /// checkpoint at close), and no foreign-key pragma, which only writes need.
    static var readOnlyConfiguration: Configuration {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.foreignKeysEnabled = false
        configuration.busyMode = .timeout(30)
        return configuration
    }

    /// Calls `body` for each item `query` selects, in folder and date order, streaming.
    public func forEachItem(matching query: ItemQuery, _ body: (CatalogItem) throws -> Void) throws(StoreError) {
        do {
            try queue.read { db in
                let (sql, arguments) = try ItemQuerySQL.select(query, db: db, user: user, text: text)
                try CatalogItem.forEach(in: db, sql: sql, arguments: arguments, textSeal: text.seal, body)
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw .catalog(user: user, underlying: error)
        }
    }
}
