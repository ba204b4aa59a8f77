import BrickStore

/// Codes item rows straight from the catalog's columns into record payload bytes
/// (docs/FORMAT.md §8.3): the same bytes as `RowCoding.fields(of:…).encoded()` of the
/// row as a dictionary — fields in the order of `OffsiteColumns.items`, NULLs left out,
/// each value's kind the column's storage class — without the dictionary, the
/// `BundleFields` or a `String` per column. The plan (which column goes under which
/// tag) is made once from the statement's column names.
struct ItemRowCoder {
    /// Column positions and tags of an item row record, in field order.
    private let item: [(column: Int32, tag: UInt16)]
    /// The same for an item change record (record 10).
    private let change: [(column: Int32, tag: UInt16)]
    /// The positions of the folder id and key, which name the item's value.
    let valueColumns: (folder: Int32, key: Int32)
    /// The position of the stored size, when the statement has it.
    let storedSizeColumn: Int32?

    /// The plan for `columns`' statement; a column with no field (other than the
    /// sealed ones a bundle never carries) is an error, as in `RowCoding`.
    init(_ columns: CatalogColumns, user: String) throws {
        var positions: [String: Int32] = [:]
        for index in 0..<columns.count { positions[columns.name(index)] = index }
        let known = Set(OffsiteColumns.items.map(\.name)).union(UserStore.sealedItemColumns)
        if let stray = positions.keys.sorted().first(where: { !known.contains($0) }) {
            throw OffsiteError.unmappedColumn(user: user, table: "items", column: stray)
        }
        item = OffsiteColumns.items.compactMap { column in positions[column.name].map { ($0, column.tag) } }
        change = OffsiteColumns.itemChange.compactMap { column in positions[column.name].map { ($0, column.tag) } }
        guard let folder = positions["folder_id"], let key = positions["key"] else {
            throw StoreError.corrupt(user: user, detail: "the items table lacks its folder_id or key column")
        }
        valueColumns = (folder, key)
        storedSizeColumn = positions["stored_size"]
    }

    /// Bytes reserved for a payload: most item rows take 450 to 650, so most take one
    /// allocation; a longer one grows.
    private static let reservedBytes = 1024

    /// The payload of the current row as an item row (type 2) or, with `asChange`, an
    /// item change (type 10). Each column's storage class is looked up once.
    func payload(_ columns: CatalogColumns, asChange: Bool) -> [UInt8] {
        let plan = asChange ? change : item
        var out: [UInt8] = []
        out.reserveCapacity(ItemRowCoder.reservedBytes)
        for (column, tag) in plan {
            let kind = columns.kind(column)
            switch kind {
            case .null:
                continue
            case .integer, .real:
                out.appendLittle(UInt64(tag), bytes: 2)
                out.append(1)
                out.appendLittle(UInt64(bitPattern: columns.int64(column, of: kind)), bytes: 8)
            case .text:
                out.appendLittle(UInt64(tag), bytes: 2)
                out.append(3)
                columns.withText(column) { out.appendSized($0) }
            case .blob:
                out.appendLittle(UInt64(tag), bytes: 2)
                out.append(2)
                columns.withBlob(column) { out.appendSized($0) }
            }
        }
        return out
    }
}

extension [UInt8] {
    /// Appends the low `bytes` bytes of `value`, least significant first.
    fileprivate mutating func appendLittle(_ value: UInt64, bytes: Int) {
        var rest = value
        for _ in 0..<bytes {
            append(UInt8(truncatingIfNeeded: rest))
            rest >>= 8
        }
    }

    /// Appends a 4-byte little-endian length, then `bytes`.
    fileprivate mutating func appendSized(_ bytes: UnsafeRawBufferPointer) {
        appendLittle(UInt64(bytes.count), bytes: 4)
        append(contentsOf: bytes)
    }
}
