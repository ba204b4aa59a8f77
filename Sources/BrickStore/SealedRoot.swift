import Foundation

/// Making a store root whose user stores are sealed (`brick-backup init --encrypt`,
/// docs/FORMAT.md §10).
public enum SealedRoot {
    /// Draws a store key, wraps it for every one of `secrets` and writes
    /// `<root>/store-key` (mode 0600). Refuses a root that already holds a store key or
    /// a user store: sealing stores already written is not supported.
    public static func create(root: URL, secrets: [StoreKeySecret], existingUsers: [String]) throws(StoreError) -> StoreKey {
        guard !secrets.isEmpty else { throw .sealing(detail: "a store key needs a key file or a passphrase to wrap it") }
        guard !StoreKeyring.isSealedRoot(root) else {
            throw .sealing(detail: "\(root.path) already holds a store key (\(WrappedStoreKey.fileName))")
        }
        guard existingUsers.isEmpty else {
            throw .sealing(detail: "\(root.path) already holds plain stores (\(existingUsers.prefix(3).joined(separator: ", "))…); seal a new root and import them there")
        }
        try FileSystem.makeDirectory(root, user: "")
        let key = StoreKey.generate()
        let wrapped = try WrappedStoreKey(key: key, secrets: secrets)
        try FileSystem.writeAtomically(wrapped.text, to: root.appendingPathComponent(WrappedStoreKey.fileName), user: "")
        return key
    }
}
