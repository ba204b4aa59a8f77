import BrickBundle

/// What consolidation needs to know of the store's records (docs/FORMAT.md §8.5, §8.6):
/// an item row and an item purge stand for the item (folder id and key), and a value is
/// attached to the item row before it; a run row stands for its run, a hold row for its
/// hold, a setting row and a
/// setting purge for the setting version with that id. Folder rows and
/// folder purges are kept, every one in its place: they are few, and an import needs a
/// folder's row before the item rows of its folder when the folder is new to the replica.
public struct OffsiteRecordSchema: BundleRecordSchema {
    /// The store's schema.
    public init() {}

    /// The role of one of the store's records.
    public func role(of head: BundleRecordHead, fields: BundleFields?) throws -> RecordRole {
        switch head.type {
        case .value:
            return .attached
        case .item:
            return .state(identity: try itemIdentity(fields, folder: 2, key: 3, head), isRemoval: false)
        case .itemChange:
            return .update(identity: try itemIdentity(fields, folder: 2, key: 3, head))
        case .purgedItem:
            return .state(identity: try itemIdentity(fields, folder: PurgeTag.folder, key: PurgeTag.key, head), isRemoval: true)
        case .run:
            guard let id = try fields?.int(1) else { throw missing(head) }
            return .state(identity: [0x52] + bytes(of: id), isRemoval: false)
        case .setting, .purgedSetting:
            return try SettingRecordRole.role(of: head, fields: fields) ?? .keepAll
        case .hold:
            guard let id = try fields?.int(1) else { throw missing(head) }
            return .state(identity: [0x48] + bytes(of: id), isRemoval: false)
        case .folder, .purgedFolder:
            return .keepAll
        default:
            guard head.skippable else { throw BundleError.unknownCriticalRecord(type: head.type.rawValue, index: head.index) }
            return .keepAll
        }
    }

    /// Only values are raw bytes; every other record is fields.
    public func isRaw(_ type: BundleRecordType) -> Bool { type == .value }

    /// `I`, the folder id, then the key's UTF-8.
    private func itemIdentity(_ fields: BundleFields?, folder: UInt16, key: UInt16, _ head: BundleRecordHead) throws -> [UInt8] {
        guard let folderID = try fields?.int(folder), let name = try fields?.string(key) else { throw missing(head) }
        return [0x49] + bytes(of: folderID) + Array(name.utf8)
    }

    private func bytes(of number: Int64) -> [UInt8] {
        withUnsafeBytes(of: number.littleEndian) { Array($0) }
    }

    private func missing(_ head: BundleRecordHead) -> BundleError {
        .damagedRecord(index: head.index, offset: head.offset, detail: "a record without the fields that identify it")
    }
}
