import BrickCore

/// libFuzzer entry: the input, as UTF-8 text, is both a wire name to decode and a
/// folder name to encode. Every name must survive encode then decode unchanged, and
/// every name that decodes must decode the same once encoded again.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzModifiedUTF7(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let encoded = ModifiedUTF7.encode(text)
    precondition(encoded.utf8.allSatisfy { $0 >= 0x20 && $0 <= 0x7E }, "encode wrote a byte outside printable ASCII")
    let back = try! ModifiedUTF7.decode(encoded)
    precondition(Array(back.unicodeScalars) == Array(text.unicodeScalars), "encode then decode changed the name")
    if let decoded = try? ModifiedUTF7.decode(text) {
        let again = try! ModifiedUTF7.decode(ModifiedUTF7.encode(decoded))
        precondition(Array(again.unicodeScalars) == Array(decoded.unicodeScalars), "a decoded name did not round-trip")
    }
    _ = ModifiedUTF7.decodeLeniently(text)
    return 0
}
