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

    /// Every user's chain in a bundle directory (a root or one user's directory; see
    /// `BundleRoot`), user by user.
    private static func chains(in directory: URL) throws -> [URL] {
        let root = try BundleRoot(directory.path)
        return try root.users.flatMap { try BundleDirectory.chain(in: root.url, user: $0).bundles.map(\.url) }
    }
}
