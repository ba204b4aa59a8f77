import Foundation

/// Finds the line of each key in TOML text, since the parser keeps no positions for
/// values: tracks `[table]` and `[[array]]` headers and `key =` lines (bare, quoted or
/// dotted keys). It only locates keys for messages; the parser reads the values.
public struct KeyLocator: Sendable, Hashable {
    private var lines: [String: Int] = [:]

    /// Indexes `text`.
    public init(text: String) {
        var table: [String] = []
        var number = 0
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            number += 1
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("[") {
                let inner = line.drop { $0 == "[" }.prefix { $0 != "]" }
                table = Self.components(String(inner))
                let path = table.joined(separator: ".")
                if lines[path] == nil { lines[path] = number }
            } else if let equals = line.firstIndex(of: "="), !line.hasPrefix("#") {
                let key = Self.components(String(line[..<equals]))
                guard !key.isEmpty, key.allSatisfy({ !$0.isEmpty }) else { continue }
                let path = (table + key).joined(separator: ".")
                if lines[path] == nil { lines[path] = number }
            }
        }
    }

    /// The line of `path` (dotted), else of the nearest enclosing table, else 0.
    public func line(of path: String) -> Int {
        var parts = path.split(separator: ".").map(String.init)
        while !parts.isEmpty {
            if let line = lines[parts.joined(separator: ".")] { return line }
            parts.removeLast()
        }
        return 0
    }

    private static func components(_ key: String) -> [String] {
        key.split(separator: ".").map {
            $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
        }
    }
}
