import BrickBundle
import Foundation

/// The bundle inputs an import names: files, directories (every `*.bundle` below, in
/// path order, so `<user>/<sequence>.bundle` come in sequence), or standard input.
enum BundleSources {
    /// Each input with the label its messages name, opened on demand.
    static func expand(_ sources: [String]) throws -> [(label: String, open: () throws -> any BundleInput)] {
        var result: [(label: String, open: () throws -> any BundleInput)] = []
        for source in sources {
            if source == "-" {
                result.append(("standard input", { StandardInputBundleInput() }))
                continue
            }
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: source, isDirectory: &isDirectory) else {
                throw UsageError("no bundle or directory at \(source)")
            }
            let files = isDirectory.boolValue ? try bundles(under: source) : [source]
            for file in files {
                result.append((file, { try BundleFileInput(url: URL(fileURLWithPath: file)) }))
            }
        }
        return result
    }

    /// The `*.bundle` files below `directory`, sorted by path.
    private static func bundles(under directory: String) throws -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: directory) else {
            throw UsageError("cannot read directory \(directory)")
        }
        var files: [String] = []
        for case let relative as String in walker where relative.hasSuffix(".bundle") {
            files.append((directory as NSString).appendingPathComponent(relative))
        }
        return files.sorted()
    }
}
