import Foundation
import GRDB

extension UserStore {
    /// Runs a read of the catalog's committed rows on a second, read-only connection,
    /// opened on first use: the one connection may be busy with a catalog transaction
    /// of the pipeline, which this read neither waits for nor sees (docs/DESIGN.md,
    /// "The commit pipeline"). Call with `mutex` held.
    func readCommittedRows<T>(_ body: (GRDB.Database) throws -> T) throws(StoreError) -> T {
        do {
            let reader: DatabaseQueue
            if let open = committedRowsReader {
                reader = open
            } else {
                var configuration = Configuration()
                configuration.readonly = true
                configuration.busyMode = .timeout(30)
                reader = try DatabaseQueue(path: layout.catalog.path, configuration: configuration)
                committedRowsReader = reader
            }
            return try reader.read(body)
        } catch let error as StoreError {
            throw error
        } catch {
            throw .catalog(user: user, underlying: error)
        }
    }
}
