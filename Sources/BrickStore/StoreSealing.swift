/// How a store's item values are kept.
enum StoreSealing {
    /// In clear (FORMAT.md §3).
    case plain
    /// Sealed, and this process holds the key.
    case open(ValueSeal)
    /// Sealed, without the key: only a reader gets here, and reads no value.
    case locked
}
