import LZ4

nonisolated(unsafe) private let frames = LZ4Frame()

/// libFuzzer entry: the input is an LZ4 frame as found after an item header. It is
/// decompressed without a size hint and with a hint taken from its first byte;
/// whatever decompresses must compress and decompress back to the same bytes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLZ4Frame(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    guard let raw = try? frames.decompress(input[...]) else { return 0 }
    let hinted = try? frames.decompress(input[...], expectedSize: Int(input.first ?? 0))
    precondition(hinted == raw, "a size hint changed what a frame decompresses to")
    let again = try! frames.decompress(try! frames.compress(raw)[...])
    precondition(again == raw, "compress then decompress changed the bytes")
    return 0
}
