import BrickBundle
import BrickStore
import Foundation

/// Feeds one bundle's records to a replica's `ReplicaWriter`, finishing only after the
/// trailer's digest is checked.
struct RecordApplier {
    var reader: BundleReader
    var label: String
    var options: ImportOptions

    func apply(to store: UserStore, report: inout ImportReport) throws {
        let header = reader.header
        var counts = report
        try store.applyBundle(full: header.kind == .full, keepPurged: options.keepPurged) { writer in
            while let head = try reader.nextRecord() {
                switch head.type {
                case .purgedItem:
                    let fields = try reader.readFields()
                    try writer.purgedItem(
                        folder: required(fields.int(PurgeTag.folder), head), key: required(fields.string(PurgeTag.key), head),
                        run: required(fields.int(PurgeTag.run), head))
                    counts.purges += 1
                case .purgedFolder:
                    let fields = try reader.readFields()
                    try writer.purgedFolder(required(fields.int(PurgeTag.folder), head), run: required(fields.int(PurgeTag.run), head))
                    counts.purges += 1
                case .folder:
                    do {
                        try writer.folder(RowCoding.row(of: reader.readFields(), columns: OffsiteColumns.folders))
                    } catch StoreError.corrupt(_, let detail) {
                        throw OffsiteError.invalidRecord(user: reader.header.user, bundle: label, index: head.index, detail: detail)
                    }
                    counts.folders += 1
                case .item:
                    try writer.item(RowCoding.row(of: reader.readFields(), columns: OffsiteColumns.items))
                    counts.items += 1
                case .itemChange:
                    try writer.itemChange(RowCoding.row(of: reader.readFields(), columns: OffsiteColumns.itemChange))
                    counts.items += 1
                case .value:
                    // Read piece by piece: a segmented value is written as it comes.
                    let length = try writer.value { sink in try reader.readPayload(chunkSize: 1 << 20, sink) }
                    counts.values += 1
                    counts.valueBytes += length
                case .setting:
                    try writer.setting(RowCoding.row(of: reader.readFields(), columns: OffsiteColumns.settings))
                    counts.settings += 1
                case .purgedSetting:
                    try writer.purgedSetting(required(reader.readFields().int(PurgedSettingTag.setting), head))
                    counts.purges += 1
                case .hold:
                    try writer.hold(RowCoding.row(of: reader.readFields(), columns: OffsiteColumns.holds))
                    counts.holds += 1
                case .run:
                    try writer.run(RowCoding.row(of: reader.readFields(), columns: OffsiteColumns.runs))
                    counts.runs += 1
                default:
                    guard head.skippable else {
                        throw OffsiteError.unknownRecord(user: header.user, bundle: label, index: head.index, type: head.type.rawValue)
                    }
                    try reader.skipPayload()
                }
            }
            guard let trailer = reader.trailer else { throw OffsiteError.damaged(bundle: label, detail: "it ends without a trailer") }
            try writer.finish(
                AppliedBundle(sequence: header.sequence, kind: header.kind.description, digest: header.chainDigest(trailer: trailer),
                              parentDigest: header.parentDigest, toRun: header.toRun),
                primaryStoreID: header.storeID)
        }
        report = counts
    }

    /// A field every record of its type has.
    private func required<T>(_ value: T?, _ head: BundleRecordHead) throws -> T {
        guard let value else {
            throw OffsiteError.invalidRecord(user: reader.header.user, bundle: label, index: head.index, detail: "a field every such record has is missing")
        }
        return value
    }
}
