import Foundation

/// Making a store root whose user stores are sealed (`brick-backup init --encrypt`,
/// docs/FORMAT.md §10).
public enum SealedRoot {
    /// Draws a store key, wraps it for every one of `secrets` and writes
    /// `<root>/store-key` (mode 0600). Refuses a root that already holds a store key or
    /// a user store: sealing stores already written is not supported.
    /// With `sealingCatalogText`, the root also gets its `catalog-text` file (§10.6).
    public static func create(
        root: URL, secrets: [StoreKeySecret], existingUsers: [String], sealingCatalogText: Bool = false
    ) throws(StoreError) -> StoreKey {
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
        if sealingCatalogText { try sealCatalogText(root: root) }
        try FileSystem.writeAtomically(wrapped.text, to: root.appendingPathComponent(WrappedStoreKey.fileName), user: "")
        return key
    }

    /// Format constant: the file in a sealed root that makes the user stores created
    /// there seal their catalog text too (FORMAT.md §10.6), and its content.
    public static let catalogTextFileName = "catalog-text"
    static let catalogTextContent = "brick-catalog-text sealed\n"

    /// Whether user stores made in `root` from now on seal their catalog text.
    public static func sealsCatalogText(_ root: URL) -> Bool {
        FileManager.default.fileExists(atPath: root.appendingPathComponent(catalogTextFileName).path)
    }

    /// Makes the user stores created in `root` from now on seal their catalog text;
    /// stores already there keep theirs as it is.
    public static func sealCatalogText(root: URL) throws(StoreError) {
        try FileSystem.writeAtomically(catalogTextContent, to: root.appendingPathComponent(catalogTextFileName), user: "")
    }
}
