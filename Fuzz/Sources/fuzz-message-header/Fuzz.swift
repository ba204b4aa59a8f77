import BrickMessage

/// libFuzzer entry: the input is a raw message. Its header is read for the catalog
/// (RFC 5322 fields, RFC 2047 encoded words, addresses, dates), from an array and
/// from raw memory, which must agree; the pieces are also run on their own.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMessageHeader(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let raw = Array(UnsafeBufferPointer(start: data, count: size))
    let summary = MessageSummary(parsing: raw)
    let fromMemory = raw.withUnsafeBytes { MessageSummary(parsing: $0) }
    precondition(summary == fromMemory, "the array and memory readers disagree")
    let text = String(decoding: raw, as: UTF8.self)
    _ = EncodedWords.decode(text)
    _ = AddressParser.parse(text)
    _ = MessageDate.parse(text)
    return 0
}
