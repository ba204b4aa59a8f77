import BrickCore
extension EMLManifest {
    /// A manifest read back: its header record, when it has one, and its rows.
    struct Records {
        /// The header record, or nil for a manifest without one (then the columns are
        /// `EMLManifest.columns`).
        var header: [String]?
        /// The data records, in file order.
        var rows: [[String]]
        private var column: [String: Int] = [:]

        /// Parses the manifest's bytes.
        init(parsing bytes: [UInt8]) {
            var records = CSV.records(bytes)
            var names = EMLManifest.columns
            if let first = records.first, first.contains("message_id") {
                header = first
                names = first
                records.removeFirst()
            }
            rows = records
            for (index, name) in names.enumerated() where column[name] == nil { column[name] = index }
        }

        /// The field `name` of `row`, or nil when the row is too short.
        func value(_ row: [String], _ name: String) -> String? {
            guard let index = column[name], index < row.count else { return nil }
            return row[index]
        }

        /// The manifest's text: the header (when it had one) and the rows, one CSV
        /// record each.
        var text: String {
            var text = header.map { CSV.record($0) } ?? ""
            for row in rows { text += CSV.record(row) }
            return text
        }
    }
}
