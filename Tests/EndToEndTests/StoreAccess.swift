import BerkeleyDB
import BrickStore
import Foundation

/// Damages one stored value through Berkeley DB itself, as bit rot would.
enum Corruption {
    static func damageOneValue(in userDirectory: URL) throws {
        let (key, file) = try { () throws -> (String, String) in
            let store = try UserStore(layout: StoreLayout(userDirectory: userDirectory), mode: .readOnly)
            let item = try store.items(matching: ItemQuery()).first!
            let folder = try store.folders().first { $0.id == item.folderID }!
            return (item.key.rawValue, folder.directory + "/items.db")
        }()
        let env = try Environment(home: userDirectory.appendingPathComponent("env").path, dataDirectory: "..")
        let db = try BerkeleyDB.Database(file: file, in: env)
        var value = try db.get(Array(key.utf8))!
        value[value.count - 9] ^= 0x5A
        let txn = try env.beginTransaction()
        try db.put(Array(key.utf8), value, in: txn)
        try txn.commit()
        db.close()
        env.close()
    }
}

/// Holds a user's writer lock, as a running backup would.
final class StoreLockHolder {
    private let store: UserStore
    init(userDirectory: URL) throws {
        store = try UserStore(layout: StoreLayout(userDirectory: userDirectory), mode: .readWrite)
    }
}
