import BrickCore
import Foundation

extension FileOperations {
    /// Appends the CSV `rows` to the manifest at `manifest` inside `directory`, writing
    /// the header `columns` first when the file is new or empty. The caller flushes the
    /// manifest and its directory with the rest of what it wrote.
    static func appendManifestRows(_ rows: String, columns: [String], to manifest: String, under directory: String) throws {
        let descriptor = try openForAppend(manifest, under: directory)
        defer { close(descriptor) }
        var text = rows
        if try size(descriptor, path: manifest) == 0 {
            text = CSV.record(columns) + rows
        }
        try writeAll(Array(text.utf8), to: descriptor, path: manifest)
    }

    /// Whether a path read from a manifest, relative to the target's root, stays inside
    /// it: not absolute, no `..` or `.` component.
    static func isContained(_ relative: String) -> Bool {
        !relative.hasPrefix("/") && !relative.split(separator: "/").contains { $0 == ".." || $0 == "." }
    }
}
