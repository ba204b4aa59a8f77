import BrickCore

/// libFuzzer entry: the input, as UTF-8 text, is a folder path's text form to parse,
/// and (split at NUL bytes) a list of components. Parsing is idempotent through the
/// text form, and components (empty ones too) survive text form then parsing.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFolderPath(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    let text = String(decoding: bytes, as: UTF8.self)
    let parsed = FolderPath(parsing: text)
    let reparsed = FolderPath(parsing: parsed.description)
    precondition(reparsed.components.map { Array($0.unicodeScalars) } == parsed.components.map { Array($0.unicodeScalars) },
                 "text form of a parsed path parses differently")
    let components = bytes.split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
    let path = FolderPath(components)
    let back = FolderPath(parsing: path.description)
    precondition(back.components.map { Array($0.unicodeScalars) } == components.map { Array($0.unicodeScalars) },
                 "components did not survive the text form")
    _ = path.parent
    _ = path.isWithin(parsed)
    return 0
}
