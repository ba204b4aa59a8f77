import BrickBundle

/// What consolidation needs to know of the setting records (docs/FORMAT.md §8.5,
/// §8.6): a setting row and a setting purge stand for the setting version with that
/// id, so only the latest of them is kept.
enum SettingRecordRole {
    /// The role of a setting record, nil for a record of another type.
    static func role(of head: BundleRecordHead, fields: BundleFields?) throws -> RecordRole? {
        let tag: UInt16
        switch head.type {
        case .setting: tag = 1
        case .purgedSetting: tag = PurgedSettingTag.setting
        default: return nil
        }
        guard let id = try fields?.int(tag) else {
            throw BundleError.damagedRecord(index: head.index, offset: head.offset, detail: "a record without the fields that identify it")
        }
        let identity = [UInt8(ascii: "S")] + withUnsafeBytes(of: id.littleEndian) { Array($0) }
        return .state(identity: identity, isRemoval: head.type == .purgedSetting)
    }
}
