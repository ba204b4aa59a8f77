import BrickCore
import LZ4

/// The store's folder id type (BrickStore/CatalogRecords.swift), which the value
/// decoder's files use without bringing the catalog along.
public typealias FolderID = Int64

nonisolated(unsafe) private let frames = LZ4Frame()

/// libFuzzer entry: the input is an item value as read from an `items.db`. The header
/// is decoded, the whole value is decoded, its body is swapped for its own frame, and
/// whatever decodes must encode and decode back to the same header and bytes (a
/// segmented value, whose frame is in other records, to the same header and layout).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzItemValue(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let value = Array(UnsafeBufferPointer(start: data, count: size))
    guard let (header, stored) = try? ItemValue.decodeHeader(value) else { return 0 }
    _ = try? ItemValue.replacingBody(of: value, with: .frame(of: value))
    if case .segmented(let frameLength, let segmentCount) = stored {
        let rebuilt = ItemValue.encode(header: header, frameLength: frameLength, segmentCount: segmentCount)
        let (again, storedAgain) = try! ItemValue.decodeHeader(rebuilt)
        precondition(again == header && storedAgain == stored, "a segmented value did not round-trip")
        return 0
    }
    if case .shared(let reference) = stored {
        let rebuilt = ItemValue.encode(header: header, sharing: reference)
        let (again, storedAgain) = try! ItemValue.decodeHeader(rebuilt)
        precondition(again == header && storedAgain == stored, "a reference value did not round-trip")
        return 0
    }
    guard let (decoded, raw) = try? ItemValue.decode(value, decompressor: frames) else { return 0 }
    precondition(decoded == header && UInt64(raw.count) == header.rawSize, "decode disagrees with decodeHeader")
    let rebuilt = try! ItemValue.encode(header: header, raw: raw, compressor: frames)
    let (headerAgain, rawAgain) = try! ItemValue.decode(rebuilt, decompressor: frames)
    precondition(headerAgain == header && rawAgain == raw, "an inline value did not round-trip")
    return 0
}
