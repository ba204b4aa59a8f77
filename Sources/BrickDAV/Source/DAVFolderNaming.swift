import BrickCore
import Foundation

/// How collections become folder paths: `Calendars/<name>` and `Contacts/<name>`,
/// the name being the display name (else the href's last segment), with control
/// characters replaced, cut to 200 characters, and made unique by the href's segment
/// when two collections share a name. Names such as `..` or ones holding `/` are
/// plain folder names (FORMAT.md §2: folder directories are named by id), so no name
/// reaches outside the store.
public enum DAVFolderNaming {
    /// The top-level folder of calendars.
    public static let calendarsRoot = "Calendars"
    /// The top-level folder of address books.
    public static let contactsRoot = "Contacts"
    /// The longest name kept, in characters.
    static let maximumLength = 200

    /// Folder paths for `collections`, in the same order.
    public static func paths(for collections: [DAVCollection]) -> [FolderPath] {
        var names = collections.map(baseName)
        var seen: [String: Int] = [:]
        for (index, collection) in collections.enumerated() { seen[key(collection, names[index]), default: 0] += 1 }
        for (index, collection) in collections.enumerated() where seen[key(collection, names[index]), default: 0] > 1 {
            names[index] = clip(names[index] + " (" + DAVPath.lastSegment(of: collection.href) + ")")
        }
        // A suffixed name can still equal a third collection's: number the later ones,
        // in href order (stable from night to night), until every name differs.
        var taken = Set<String>()
        for index in collections.indices.sorted(by: { collections[$0].href < collections[$1].href }) {
            var name = names[index]
            var number = 2
            while taken.contains(key(collections[index], name)) {
                let suffix = " (\(number))"
                name = String(names[index].prefix(maximumLength - suffix.count)) + suffix
                number += 1
            }
            names[index] = name
            taken.insert(key(collections[index], name))
        }
        return collections.enumerated().map { index, collection in
            FolderPath([collection.kind == .calendar ? calendarsRoot : contactsRoot, names[index]])
        }
    }

    private static func key(_ collection: DAVCollection, _ name: String) -> String {
        collection.kind.rawValue + "\u{0}" + name
    }

    private static func baseName(_ collection: DAVCollection) -> String {
        let display = collection.displayName?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        let raw = display.isEmpty ? DAVPath.lastSegment(of: collection.href) : display
        let cleaned = String(String.UnicodeScalarView(raw.unicodeScalars.map { $0.properties.generalCategory == .control ? "_" : $0 }))
        return clip(cleaned.isEmpty ? "unnamed" : cleaned)
    }

    private static func clip(_ name: String) -> String {
        name.count > maximumLength ? String(name.prefix(maximumLength)) : name
    }
}
