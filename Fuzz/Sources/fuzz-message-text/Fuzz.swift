import BrickMessage

/// libFuzzer entry: the input is a raw message, as anyone can send one. Its text is
/// read for the full-text index (MIME parts, transfer encodings, charsets, HTML markup)
/// under the default limit and under a short one: never a trap, never more text than
/// the limit, and the shorter text is where the longer one starts.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMessageText(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let raw = Array(UnsafeBufferPointer(start: data, count: size))
    let whole = MessageText.extract(raw)
    precondition(whole.utf8.count <= MessageText.defaultLimit, "more text than the limit")
    let short = MessageText.extract(raw, limit: 64)
    precondition(short.utf8.count <= 64, "more text than a short limit")
    precondition(whole.unicodeScalars.starts(with: short.unicodeScalars), "the text under a short limit is not where the whole text starts")
    return 0
}
