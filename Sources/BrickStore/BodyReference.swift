import BrickCore

/// Names the item whose stored value holds the raw bytes of another item with the same
/// SHA-256, so a message moved or copied between folders is stored once
/// (docs/FORMAT.md §3, body kind 1).
///
/// Encoded after the header as the folder id (Int64, little-endian), the key's byte
/// length (UInt16) and the key's UTF-8 bytes. Folder ids never change, so a reference
/// survives renames and moves of either folder.
public struct BodyReference: Hashable, Sendable, CustomStringConvertible {
    /// The folder of the item holding the bytes.
    public var folderID: FolderID
    /// That item's key.
    public var key: ItemKey

    /// Creates a reference.
    public init(folderID: FolderID, key: ItemKey) {
        self.folderID = folderID
        self.key = key
    }

    public var description: String { "folder \(folderID) key \(key.rawValue)" }

    /// Bytes the reference takes in a value.
    var encodedSize: Int { 10 + key.rawValue.utf8.count }

    func encode(into out: inout [UInt8]) {
        let keyBytes = Array(key.rawValue.utf8.prefix(Int(UInt16.max)))
        ItemValue.appendLE(&out, UInt64(bitPattern: folderID))
        ItemValue.appendLE(&out, UInt16(keyBytes.count))
        out += keyBytes
    }

    init(decoding value: [UInt8], at offset: Int) throws(ItemValue.DecodingError) {
        guard value.count >= offset + 10 else { throw .truncated }
        let length = Int(ItemValue.readLE(value, offset + 8, UInt16.self))
        guard value.count == offset + 10 + length else { throw .truncated }
        folderID = FolderID(bitPattern: ItemValue.readLE(value, offset, UInt64.self))
        key = ItemKey(String(decoding: value[(offset + 10)...], as: UTF8.self))
    }
}
