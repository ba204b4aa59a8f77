import TOMLKit

/// Reads typed values out of one TOML table, collecting a located problem for each value
/// of the wrong type and for each key nobody asked for (a typo must not pass silently).
struct TableReader {
    let table: TOMLTable
    /// The table's dotted path (`groups.staff`), empty at the top.
    let path: String
    private var asked: Set<String> = []

    init(table: TOMLTable, path: String) {
        self.table = table
        self.path = path
    }

    /// The dotted path of `key` in this table.
    func keyPath(_ key: String) -> String { path.isEmpty ? key : path + "." + key }

    mutating func value(_ key: String) -> (any TOMLValueConvertible)? {
        asked.insert(key)
        return table[key]
    }

    mutating func string(_ key: String, _ problems: inout [(String, String)]) -> String? {
        guard let value = value(key) else { return nil }
        guard let text = value.string else {
            problems.append((keyPath(key), "must be a string (is \(value.type))"))
            return nil
        }
        return text
    }

    mutating func int(_ key: String, _ problems: inout [(String, String)]) -> Int? {
        guard let value = value(key) else { return nil }
        guard let number = value.int else {
            problems.append((keyPath(key), "must be an integer (is \(value.type))"))
            return nil
        }
        return number
    }

    mutating func number(_ key: String, _ problems: inout [(String, String)]) -> Double? {
        guard let value = value(key) else { return nil }
        if let number = value.int { return Double(number) }
        guard let number = value.double else {
            problems.append((keyPath(key), "must be a number (is \(value.type))"))
            return nil
        }
        return number
    }

    mutating func bool(_ key: String, _ problems: inout [(String, String)]) -> Bool? {
        guard let value = value(key) else { return nil }
        guard let flag = value.bool else {
            problems.append((keyPath(key), "must be true or false (is \(value.type))"))
            return nil
        }
        return flag
    }

    mutating func strings(_ key: String, _ problems: inout [(String, String)]) -> [String]? {
        guard let value = value(key) else { return nil }
        guard let array = value.array else {
            problems.append((keyPath(key), "must be an array of strings (is \(value.type))"))
            return nil
        }
        var texts: [String] = []
        for element in array {
            guard let text = element.string else {
                problems.append((keyPath(key), "must be an array of strings (holds a \(element.type))"))
                return nil
            }
            texts.append(text)
        }
        return texts
    }

    mutating func choice(_ key: String, _ allowed: [String], _ problems: inout [(String, String)]) -> String? {
        guard let text = string(key, &problems) else { return nil }
        guard allowed.contains(text) else {
            problems.append((keyPath(key), "must be one of \(allowed.joined(separator: ", ")) (is \"\(text)\")"))
            return nil
        }
        return text
    }

    /// The sub-tables of `key` (`[sources.NAME]`), in the file's order.
    mutating func tables(_ key: String, _ problems: inout [(String, String)]) -> [(String, TOMLTable)] {
        guard let value = value(key) else { return [] }
        guard let table = value.table else {
            problems.append((keyPath(key), "must be a table of named tables ([\(key).NAME])"))
            return []
        }
        var result: [(String, TOMLTable)] = []
        for name in table.keys {
            guard let inner = table[name]?.table else {
                problems.append((keyPath(key) + "." + name, "must be a table ([\(key).\(name)])"))
                continue
            }
            result.append((name, inner))
        }
        return result
    }

    /// Every key that was never asked for.
    func unknownKeys() -> [String] { table.keys.filter { !asked.contains($0) }.sorted() }
}
