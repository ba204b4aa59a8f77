import BrickCore
import Foundation
import LZ4

/// The header stored in front of every item's compressed bytes
/// (docs/FORMAT.md §3 "Item value").
///
/// All integers little-endian. Version 1:
///
/// | offset | size | field                                      |
/// |-------:|-----:|--------------------------------------------|
/// |      0 |    4 | magic `BRKI`                               |
/// |      4 |    1 | format version (1)                         |
/// |      5 |    1 | reserved, 0                                |
/// |      6 |    2 | system flags (`SystemFlags.rawValue`)      |
/// |      8 |    8 | internal date, seconds since 1970 (Int64)  |
/// |     16 |    8 | raw size in bytes (UInt64)                 |
/// |     24 |    4 | upstream UID, 0 when none                  |
/// |     28 |    8 | upstream MODSEQ, 0 when none               |
/// |     36 |   32 | SHA-256 of the raw bytes                   |
/// |     68 |    2 | keyword bytes K (UInt16)                   |
/// |     70 |    K | keywords, UTF-8, separated by one space    |
/// |   70+K |  ... | the raw bytes as one LZ4 frame with content checksum |
public struct ItemHeader: Equatable, Sendable {
    /// Format constant: the magic at offset 0 (FORMAT.md §3).
    public static let magic: [UInt8] = Array("BRKI".utf8)
    /// Format constant: the header version this code writes (FORMAT.md §3).
    public static let version: UInt8 = 1
    /// Size of the fixed part of the header.
    public static let fixedSize = 70

    /// Flags when the item was captured (the catalog holds the current ones).
    public var flags: ItemFlags
    /// Internal date, whole seconds.
    public var internalDate: Int64
    /// Size of the raw message.
    public var rawSize: UInt64
    /// Upstream UID or 0.
    public var uid: UInt32
    /// Upstream MODSEQ or 0.
    public var modSeq: UInt64
    /// SHA-256 of the raw bytes.
    public var sha256: [UInt8]

    /// Creates a header.
    public init(flags: ItemFlags, internalDate: Int64, rawSize: UInt64, uid: UInt32, modSeq: UInt64, sha256: [UInt8]) {
        self.flags = flags
        self.internalDate = internalDate
        self.rawSize = rawSize
        self.uid = uid
        self.modSeq = modSeq
        self.sha256 = sha256
    }
}

/// Encodes and decodes item values: header + LZ4 frame.
public enum ItemValue {
    /// Why a value does not decode.
    public enum DecodingError: Error, Equatable, CustomStringConvertible {
        case truncated
        case badMagic
        case unsupportedVersion(UInt8)
        case decompression(String)
        case sizeMismatch(expected: UInt64, found: Int)

        public var description: String {
            switch self {
            case .truncated: return "value shorter than its header"
            case .badMagic: return "value does not start with BRKI"
            case .unsupportedVersion(let v): return "item header version \(v) is newer than this brick reads"
            case .decompression(let detail): return "LZ4 frame: \(detail)"
            case .sizeMismatch(let expected, let found): return "expected \(expected) bytes, found \(found)"
            }
        }
    }

    /// Builds the stored value of `raw` with `header`.
    public static func encode(header: ItemHeader, raw: [UInt8], compressor: LZ4Frame) throws -> [UInt8] {
        let keywords = Array(header.flags.keywords.joined(separator: " ").utf8.prefix(Int(UInt16.max)))
        let frame = try compressor.compress(raw)
        var out = [UInt8]()
        out.reserveCapacity(ItemHeader.fixedSize + keywords.count + frame.count)
        out += ItemHeader.magic
        out.append(ItemHeader.version)
        out.append(0)
        appendLE(&out, header.flags.system.rawValue)
        appendLE(&out, UInt64(bitPattern: header.internalDate))
        appendLE(&out, header.rawSize)
        appendLE(&out, header.uid)
        appendLE(&out, header.modSeq)
        out += header.sha256.count == 32 ? header.sha256 : [UInt8](repeating: 0, count: 32)
        appendLE(&out, UInt16(keywords.count))
        out += keywords
        out += frame
        return out
    }

    /// Reads the header and the offset where the LZ4 frame starts.
    public static func decodeHeader(_ value: [UInt8]) throws(DecodingError) -> (ItemHeader, frameOffset: Int) {
        guard value.count >= ItemHeader.fixedSize else { throw .truncated }
        guard Array(value[0..<4]) == ItemHeader.magic else { throw .badMagic }
        guard value[4] == ItemHeader.version else { throw .unsupportedVersion(value[4]) }
        let keywordCount = Int(readLE(value, 68, UInt16.self))
        guard value.count >= ItemHeader.fixedSize + keywordCount else { throw .truncated }
        let keywordText = String(decoding: value[70..<(70 + keywordCount)], as: UTF8.self)
        let flags = ItemFlags(
            system: SystemFlags(rawValue: readLE(value, 6, UInt16.self)),
            keywords: keywordText.split(separator: " ").map(String.init))
        let header = ItemHeader(
            flags: flags,
            internalDate: Int64(bitPattern: readLE(value, 8, UInt64.self)),
            rawSize: readLE(value, 16, UInt64.self),
            uid: readLE(value, 24, UInt32.self),
            modSeq: readLE(value, 28, UInt64.self),
            sha256: Array(value[36..<68]))
        return (header, ItemHeader.fixedSize + keywordCount)
    }

    /// Decodes a whole value: header and raw bytes (the frame checksum is checked).
    public static func decode(_ value: [UInt8], decompressor: LZ4Frame) throws -> (ItemHeader, [UInt8]) {
        let (header, offset) = try decodeHeader(value)
        let raw: [UInt8]
        do {
            raw = try decompressor.decompress(value[offset...], expectedSize: Int(header.rawSize))
        } catch {
            throw DecodingError.decompression(error.description)
        }
        guard raw.count == header.rawSize else { throw DecodingError.sizeMismatch(expected: header.rawSize, found: raw.count) }
        return (header, raw)
    }

    private static func appendLE<T: FixedWidthInteger>(_ out: inout [UInt8], _ value: T) {
        withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) }
    }

    private static func readLE<T: FixedWidthInteger>(_ bytes: [UInt8], _ offset: Int, _: T.Type) -> T {
        var value: T = 0
        for index in 0..<MemoryLayout<T>.size {
            value |= T(bytes[offset + index]) << (8 * index)
        }
        return value
    }
}
