import BrickCore

/// libFuzzer entry: the input, as UTF-8 text, is a Maildir file name; a line break
/// splits off a `dovecot-keywords` file to decode its flag letters with. The unique
/// part must be a prefix of the name, and flags encoded again must decode the same.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMaildirName(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let parts = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
    let name = String(parts[0])
    let keywords = DovecotKeywords(parsing: parts.count > 1 ? String(parts[1]) : "")
    let parsed = MaildirFileName(parsing: name)
    precondition(name.utf8.starts(with: parsed.key.rawValue.utf8), "the unique part is not a prefix of the name")
    let flags = parsed.flags(keywords: keywords)
    let letters = MaildirFlags.encode(flags, keywords: keywords)
    let again = MaildirFileName(parsing: parsed.key.rawValue + MaildirFileName.infoMarker + letters)
    precondition(again.key == parsed.key, "the unique part changed when flags were written")
    precondition(again.flags(keywords: keywords) == flags, "flags did not survive their letters")
    return 0
}
