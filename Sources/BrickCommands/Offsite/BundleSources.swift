import BrickBundle
import Foundation

/// The bundle inputs an import names: files, bundle directories (each user's chain in
/// sequence, as `BundleDirectory` lists it: `DIR/<user>/<sequence>.bundle`, leaving out
/// bundles a consolidation folded), or standard input.
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
            let files = isDirectory.boolValue ? try chains(in: URL(fileURLWithPath: source)) : [URL(fileURLWithPath: source)]
            let holdsOneBundle = isDirectory.boolValue
            for file in files {
                result.append((file.path, {
                    let input = try BundleFileInput(url: file)
                    input.holdsOneBundle = holdsOneBundle
                    return input
                }))
            }
        }
        return result
    }

    /// Every user's chain in a bundle directory, user by user. A user's own directory
    /// (`DIR/<user>`, holding `*.bundle` files) is that user's chain; a directory with
    /// neither is refused, so an import never ends "successfully" having applied nothing.
    private static func chains(in directory: URL) throws -> [URL] {
        if holdsBundles(directory) {
            let own = directory.standardizedFileURL
            return try BundleDirectory.chain(in: own.deletingLastPathComponent(), user: own.lastPathComponent).bundles.map(\.url)
        }
        var files: [URL] = []
        for user in try BundleDirectory.users(in: directory) {
            files += try BundleDirectory.chain(in: directory, user: user).bundles.map(\.url)
        }
        guard !files.isEmpty else {
            throw UsageError("no bundles in \(directory.path): expected DIR/<user>/<sequence>.bundle or a user's directory of bundles")
        }
        return files
    }

    /// Whether `directory` itself holds `*.bundle` files.
    private static func holdsBundles(_ directory: URL) -> Bool {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.contains { $0.hasSuffix(".bundle") && !$0.hasPrefix(".") }
    }
}
