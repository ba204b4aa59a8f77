import Foundation
import GRDB

/// One column of a catalog row as off-site bundles carry it (docs/FORMAT.md §8): rows
/// travel whole, column by column, so a replica's row equals the primary's.
public enum CatalogValue: Sendable, Hashable {
    /// SQL NULL.
    case null
    /// An integer column.
    case integer(Int64)
    /// A text column.
    case text(String)
    /// A blob column.
    case blob([UInt8])

    init(_ value: DatabaseValue) {
        switch value.storage {
        case .null: self = .null
        case .int64(let number): self = .integer(number)
        case .double(let number): self = .integer(Int64(number))
        case .string(let text): self = .text(text)
        case .blob(let data): self = .blob([UInt8](data))
        }
    }

    var databaseValue: DatabaseValue {
        switch self {
        case .null: return .null
        case .integer(let number): return number.databaseValue
        case .text(let text): return text.databaseValue
        case .blob(let bytes): return Data(bytes).databaseValue
        }
    }

    /// The integer, or nil for anything else.
    public var integer: Int64? {
        if case .integer(let number) = self { return number }
        return nil
    }

    /// The text, or nil for anything else.
    public var text: String? {
        if case .text(let text) = self { return text }
        return nil
    }
}

/// A catalog row, column name to value.
public typealias CatalogRow = [String: CatalogValue]

extension Row {
    /// Every column of the row.
    var catalogRow: CatalogRow {
        var result: CatalogRow = [:]
        for (column, value) in self { result[column] = CatalogValue(value) }
        return result
    }
}
