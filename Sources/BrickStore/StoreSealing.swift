/// How a store's item values are kept.
enum StoreSealing {
    /// In clear (FORMAT.md §3).
    case plain
    /// Sealed, and this process holds the key; the text seal when the catalog text is
    /// sealed too (§10.6).
    case open(ValueSeal, CatalogTextSeal?)
    /// Sealed, without the key: only a reader gets here, and reads no value (nor the
    /// catalog text, when that is sealed).
    case locked(sealsCatalogText: Bool)

    /// Whether the catalog's text columns are sealed.
    var sealsCatalogText: Bool {
        switch self {
        case .plain: return false
        case .open(_, let text): return text != nil
        case .locked(let text): return text
        }
    }

    /// The text seal, when the catalog text is sealed and the key is at hand.
    var textSeal: CatalogTextSeal? {
        if case .open(_, let text) = self { return text }
        return nil
    }
}
