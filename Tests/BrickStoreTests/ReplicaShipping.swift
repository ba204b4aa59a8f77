import BrickCore
@testable import BrickStore
import Foundation

/// Applies what changed on `primary` after run `cursor` to `replica`, as an export and an
/// import of one bundle would (rows whole, values piece by piece); a `cursor` of 0 ships
/// everything as a full bundle.
func ship(_ primary: UserStore, after cursor: RunID, to replica: UserStore, sequence: UInt64) throws {
    try replica.applyBundle(full: cursor == 0, keepPurged: false) { writer in
        try primary.forEachChangedFolder(after: cursor) { try writer.folder($0) }
        try primary.forEachChangedItem(after: cursor) { row, valueChanged in
            try writer.item(row)
            guard valueChanged, let pieces = try primary.storedValuePieces(folderID: row["folder_id"]!.integer!, key: row["key"]!.text!)
            else { return }
            _ = try writer.value { sink in try pieces.forEach { try sink($0.bytes) } }
        }
        try primary.forEachRun(after: cursor) { try writer.run($0) }
        try writer.finish(
            AppliedBundle(sequence: sequence, kind: cursor == 0 ? "full" : "incremental", digest: Array(repeating: UInt8(sequence), count: 32),
                          parentDigest: [], toRun: try primary.latestRunID()),
            primaryStoreID: try primary.storeID())
    }
}
