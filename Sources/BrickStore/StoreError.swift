import Foundation

/// Everything that can go wrong in a user store, with the context an administrator
/// needs to act on it (user, folder, key, path).
public enum StoreError: Error, CustomStringConvertible, Sendable {
    /// The user name cannot name a directory safely (empty, `..`, contains `/` or NUL).
    case invalidUserName(String)
    /// No store exists for this user at this path.
    case storeNotFound(user: String, path: String)
    /// Another process writes this user's store now.
    case locked(user: String, path: String, holderPID: Int32?)
    /// The store was written by a newer Brick whose format this one cannot read.
    case formatTooNew(user: String, found: Int, supported: Int)
    /// The store's files are not a Brick store or are damaged beyond reading.
    case corrupt(user: String, detail: String)
    /// A folder the caller named does not exist in the catalog.
    case folderNotFound(user: String, folder: String)
    /// An item the caller named does not exist.
    case itemNotFound(user: String, folder: String, key: String)
    /// An item's stored value does not decode, or its bytes do not match their hash.
    case damagedItem(user: String, folder: String, key: String, detail: String)
    /// The store is open read-only and a write was attempted.
    case readOnly(user: String)
    /// A file-system call failed.
    case io(user: String, path: String, operation: String, errno: Int32)
    /// Writing to the store's file system failed (full, over quota, an I/O error):
    /// `path` is the store, `writing` the file or part being written. Nothing of the
    /// failed write was committed; the run stops rather than failing every folder.
    case writeFailed(user: String, path: String, writing: String, errno: Int32)
    /// One folder's item file is damaged (a page does not read back): the rest of the
    /// store is unaffected.
    case damagedFile(user: String, path: String, detail: String)
    /// Berkeley DB failed.
    case blobStore(user: String, underlying: any Error)
    /// SQLite failed.
    case catalog(user: String, underlying: any Error)
    /// The store's values are sealed and no key was given (docs/FORMAT.md §10).
    case keyRequired(user: String)
    /// None of the secrets given opens the wrapped store key at `path`.
    case wrongKey(path: String)
    /// A sealed record, a key file or a sealing file is not what it should be.
    case sealing(detail: String)
    /// The secret meant to unlock sealed stores (a key file, a passphrase file named in
    /// the environment) cannot be used: unreadable, readable by others, malformed.
    case unusableSecret(detail: String)
    /// A filter on sender, subject or text in a store whose catalog text is sealed
    /// (docs/FORMAT.md §10.6), without the key.
    case catalogTextSealed(user: String)
    /// A message text index was asked of a store whose catalog text is sealed: such a
    /// store keeps none (docs/FORMAT.md §10.6).
    case textIndexNotKept(user: String)

    public var description: String {
        switch self {
        case .invalidUserName(let name):
            return "invalid user name \(String(reflecting: name)): it must be non-empty, not '.' or '..', and contain no '/' or control character (newline, tab, NUL…)"
        case .storeNotFound(let user, let path):
            return "no backup store for user \(user) at \(path)"
        case .locked(let user, let path, let pid):
            let holder = pid.map { "process \($0)" } ?? "another process (a writer, or a reader of a store whose disk is full)"
            return "the store of user \(user) is locked by \(holder) (\(path)); is another backup or purge running?"
        case .formatTooNew(let user, let found, let supported):
            return "the store of user \(user) has format version \(found), newer than this Brick reads (\(supported)); use a newer brick"
        case .corrupt(let user, let detail):
            return "the store of user \(user) is damaged: \(detail)"
        case .folderNotFound(let user, let folder):
            return "user \(user) has no folder \(folder) in the backup"
        case .itemNotFound(let user, let folder, let key):
            return "user \(user), folder \(folder): no item with key \(key)"
        case .damagedItem(let user, let folder, let key, let detail):
            return "user \(user), folder \(folder), item \(key) is damaged: \(detail)"
        case .readOnly(let user):
            return "the store of user \(user) is open read-only"
        case .io(let user, let path, let operation, let code):
            return "user \(user): \(operation) \(path): \(String(cString: strerror(code)))"
        case .writeFailed(let user, let path, let writing, let code):
            let what = switch code {
            case ENOSPC: "no space left"
            case EDQUOT: "disk quota exceeded"
            default: String(cString: strerror(code)).lowercased()
            }
            return "user \(user): \(what) on \(path) while writing \(writing)"
        case .damagedFile(let user, let path, let detail):
            return "user \(user): item file \(path) is damaged: \(detail)"
        case .blobStore(let user, let underlying):
            return "user \(user): item database: \(underlying)"
        case .catalog(let user, let underlying):
            return "user \(user): catalog: \(underlying)"
        case .keyRequired(let user):
            return "the store of user \(user) is sealed: give its key with BRICK_STORE_KEY_FILE, BRICK_STORE_PASSPHRASE_FILE or BRICK_STORE_PASSPHRASE"
        case .wrongKey(let path):
            return "the key file or passphrase given does not open the store key \(path)"
        case .sealing(let detail):
            return "sealed store: \(detail)"
        case .unusableSecret(let detail):
            return detail
        case .catalogTextSealed(let user):
            return "the catalog text of user \(user) is sealed: filters by sender, subject or text need its key "
                + "(BRICK_STORE_KEY_FILE, BRICK_STORE_PASSPHRASE_FILE or BRICK_STORE_PASSPHRASE); folder, period and key filters work without it"
        case .textIndexNotKept(let user):
            return "the catalog text of user \(user) is sealed: its store keeps no text index "
                + "(an index of words in clear would give away what the sealing hides); nothing was done"
        }
    }

    /// True when the error is about the store's storage, not one folder: the run
    /// stops at once (a full disk fails every folder after it the same way).
    public var stopsRun: Bool {
        if case .writeFailed = self { return true }
        return false
    }
}
