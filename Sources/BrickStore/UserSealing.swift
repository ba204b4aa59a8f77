import Foundation

/// A sealed user store's `sealing` file (docs/FORMAT.md §10.2): the id of the store key
/// its values are sealed with and the user's random salt. Kept outside the catalog, so
/// a rebuilt catalog (`repair`) still opens the values. A store without the file is plain.
public struct UserSealing: Sendable, Equatable {
    /// Format constant: the file's name in the user directory.
    public static let fileName = "sealing"

    /// The store key's id.
    public var keyID: [UInt8]
    /// The user's salt (16 bytes): the value key is derived with it.
    public var userSalt: [UInt8]
    /// Whether the catalog's text columns are sealed too (§10.6): the line
    /// `catalog-text sealed`.
    public var sealsCatalogText: Bool

    /// A new sealing for the key with `keyID`.
    public init(keyID: [UInt8], sealsCatalogText: Bool = false) {
        self.keyID = keyID
        userSalt = Array(StoreKey.generate().bytes.prefix(16))
        self.sealsCatalogText = sealsCatalogText
    }

    /// The file's text.
    public var text: String {
        "brick-sealing 1\nkey-id \(Hex.encode(keyID))\nuser-salt \(Hex.encode(userSalt))\n" + (sealsCatalogText ? "catalog-text sealed\n" : "")
    }

    /// Parses the file's text; `path` names it in errors.
    public init(text: String, path: String) throws(StoreError) {
        let lines = text.split(whereSeparator: \.isNewline).map { $0.split(separator: " ").map(String.init) }
        guard lines.count == 3 || (lines.count == 4 && lines[3] == ["catalog-text", "sealed"]), lines[0] == ["brick-sealing", "1"], lines[1].count == 2, lines[1][0] == "key-id",
              lines[2].count == 2, lines[2][0] == "user-salt",
              let id = Hex.decode(lines[1][1]), id.count == 8, let salt = Hex.decode(lines[2][1]), salt.count == 16
        else { throw .sealing(detail: "\(path) is not a Brick sealing file of version 1") }
        keyID = id
        userSalt = salt
        sealsCatalogText = lines.count == 4
    }

    /// The sealing of the store in `userDirectory`, nil when it is plain.
    static func read(userDirectory: URL, user: String) throws(StoreError) -> UserSealing? {
        let url = userDirectory.appendingPathComponent(fileName)
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            throw .io(user: user, path: url.path, operation: "read", errno: errno)
        }
        return try UserSealing(text: text, path: url.path)
    }
}
