import BrickBundle
import Foundation

/// The directory a `bundles` command or `import` is given, as a bundle root and the users
/// whose chains it holds: a root (`DIR/<user>/<sequence>.bundle`) or one user's own
/// directory. A directory with no bundle at all is refused with one line, so a command
/// never reports "nothing wrong" about nothing.
struct BundleRoot {
    /// The directory whose subdirectories are users.
    let url: URL
    /// The users with a chain there, sorted.
    let users: [String]

    init(_ path: String) throws {
        let given = URL(fileURLWithPath: path).standardizedFileURL
        if BundleRoot.holdsBundles(given) {
            url = given.deletingLastPathComponent()
            users = [given.lastPathComponent]
        } else {
            url = given
            users = try BundleDirectory.users(in: given).filter { BundleRoot.holdsBundles(given.appendingPathComponent($0)) }
        }
        guard !users.isEmpty else {
            throw UsageError("no bundles in \(path): expected DIR/<user>/<sequence>.bundle or one user's directory of bundles")
        }
    }

    /// Whether `directory` itself holds `*.bundle` files.
    private static func holdsBundles(_ directory: URL) -> Bool {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.contains { $0.hasSuffix(".bundle") && !$0.hasPrefix(".") }
    }
}
