import Foundation
import GRDB

extension UserStore {
    /// Whether this store's values are sealed (docs/FORMAT.md §10).
    public var isSealed: Bool {
        if case .plain = sealing { return false }
        return true
    }

    /// True when the values are sealed and this process has no key: values cannot be read.
    public var isLocked: Bool {
        if case .locked = sealing { return true }
        return false
    }

    /// The id of the store key, in hex, when the store is sealed.
    public var sealingKeyID: String? {
        (try? UserSealing.read(userDirectory: layout.userDirectory, user: user)).flatMap { $0.map { Hex.encode($0.keyID) } }
    }

    /// How the store in `layout` keeps its values. A store being created in a root that
    /// holds a store key gets a sealing file; a writer needs the key, a reader without
    /// it gets `.locked`.
    static func sealing(
        layout: StoreLayout, user: String, creating: Bool, writable: Bool, keyring: StoreKeyring
    ) throws(StoreError) -> StoreSealing {
        let root = layout.userDirectory.deletingLastPathComponent()
        var sealing = try UserSealing.read(userDirectory: layout.userDirectory, user: user)
        if sealing == nil && creating && writable && StoreKeyring.isSealedRoot(root) {
            guard let key = try keyring.key(forRoot: root, user: user) else { throw .keyRequired(user: user) }
            let new = UserSealing(keyID: key.keyID, sealsCatalogText: SealedRoot.sealsCatalogText(root))
            try FileSystem.writeAtomically(new.text, to: layout.url(UserSealing.fileName), user: user)
            sealing = new
        }
        guard let sealing else { return .plain }
        guard let key = try keyring.key(forRoot: root, user: user) else {
            if writable { throw .keyRequired(user: user) }
            return .locked(sealsCatalogText: sealing.sealsCatalogText)
        }
        guard key.keyID == sealing.keyID else {
            throw .sealing(detail: "the store of user \(user) is sealed with key \(Hex.encode(sealing.keyID)), not the root's key \(key.keyIDText)")
        }
        return .open(ValueSeal(storeKey: key, userSalt: sealing.userSalt), sealing.sealsCatalogText ? CatalogTextSeal(storeKey: key, userSalt: sealing.userSalt) : nil)
    }

    /// Records the key id in the catalog (meta `sealed_key_id`) and refuses a catalog
    /// that says sealed beside a store without its sealing file (a deleted file would
    /// otherwise make sealed values look like damage).
    /// `recorded` is the catalog's `sealed_key_id`, read by the open with the other meta rows.
    func checkSealingRecord(recorded: String?) throws(StoreError) {
        let actual = sealingKeyID
        if let recorded, actual != recorded {
            throw .sealing(detail: "the catalog of user \(user) says its values are sealed with key \(recorded), but the store's sealing file is missing or names another key")
        }
        if recorded == nil, let actual, isWritable {
            try withCatalog { db in try db.execute(sql: "INSERT INTO meta(key, value) VALUES ('sealed_key_id', ?)", arguments: [actual]) }
        }
    }
}
