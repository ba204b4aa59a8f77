import Foundation

/// The store's identity and its export targets' cursors, kept also outside the catalog
/// in `<user>/export-cursors` (docs/FORMAT.md §1, §5a), so that a catalog rebuilt by
/// `repair` keeps the identity its bundles name and numbers the next bundle of each
/// target after the last one written.
///
/// ```
/// store-id <uuid>
/// target <last sequence> <last digest, hex> <last exported at> <name>
/// ```
///
/// Fields are separated by one tab; the name, which has no line break, ends the line.
/// The file is rewritten, atomically, after each bundle is durable and before the
/// catalog's cursor moves, so it is never behind the catalog.
struct ExportCursorFile: Equatable {
    /// One target's last bundle.
    struct Target: Equatable {
        var name: String
        var lastSequence: UInt64
        var lastDigest: [UInt8]
        var lastExportedAt: Int64
    }

    /// The store's `meta.store_id`.
    var storeID: String
    /// The targets, by name.
    var targets: [Target]

    /// The file's place in a store.
    static func url(_ layout: StoreLayout) -> URL { layout.url("export-cursors") }

    /// The file's text.
    var text: String {
        var lines = ["store-id\t\(storeID)"]
        for target in targets.sorted(by: { $0.name < $1.name }) {
            let digest = Hex.encode(target.lastDigest)
            lines.append("target\t\(target.lastSequence)\t\(digest)\t\(target.lastExportedAt)\t\(target.name)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Parses the file's text; nil when it is not such a file (then repair gives the
    /// store a new identity, as it did before the file existed).
    init?(parsing text: String) {
        var storeID: String?
        var targets: [Target] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            let fields = line.split(separator: "\t", maxSplits: 4, omittingEmptySubsequences: false).map(String.init)
            switch fields.first {
            case "store-id" where fields.count == 2 && !fields[1].isEmpty:
                storeID = fields[1]
            case "target" where fields.count == 5:
                guard let sequence = UInt64(fields[1]), let digest = Hex.decode(fields[2]), let time = Int64(fields[3]),
                    !fields[4].isEmpty
                else { return nil }
                targets.append(Target(name: fields[4], lastSequence: sequence, lastDigest: digest, lastExportedAt: time))
            default:
                return nil
            }
        }
        guard let storeID else { return nil }
        self.init(storeID: storeID, targets: targets)
    }

    init(storeID: String, targets: [Target]) {
        self.storeID = storeID
        self.targets = targets
    }

    /// Reads the file of `layout`; nil when it is missing or does not parse.
    static func read(_ layout: StoreLayout) -> ExportCursorFile? {
        guard let text = try? String(contentsOf: url(layout), encoding: .utf8) else { return nil }
        return ExportCursorFile(parsing: text)
    }

    /// Writes the file of `layout` atomically (temporary file, fsync, rename).
    func write(_ layout: StoreLayout, user: String) throws(StoreError) {
        try FileSystem.writeAtomically(text, to: Self.url(layout), user: user)
    }
}
