import BrickCore
import Foundation
import LZ4

/// The header stored in front of every item's compressed bytes
/// (docs/FORMAT.md §3 "Item value").
///
/// All integers little-endian. Version 2 (version 1 is the same with byte 5 always 0):
///
/// | offset | size | field                                      |
/// |-------:|-----:|--------------------------------------------|
/// |      0 |    4 | magic `BRKI`                               |
/// |      4 |    1 | format version (2)                         |
/// |      5 |    1 | body kind: 0 LZ4 frame, 1 reference        |
/// |      6 |    2 | system flags (`SystemFlags.rawValue`)      |
/// |      8 |    8 | internal date, seconds since 1970 (Int64)  |
/// |     16 |    8 | raw size in bytes (UInt64)                 |
/// |     24 |    4 | upstream UID, 0 when none                  |
/// |     28 |    8 | upstream MODSEQ, 0 when none               |
/// |     36 |   32 | SHA-256 of the raw bytes                   |
/// |     68 |    2 | keyword bytes K (UInt16)                   |
/// |     70 |    K | keywords, UTF-8, separated by one space    |
/// |   70+K |  ... | kind 0: the raw bytes as one LZ4 frame with content checksum |
/// |   70+K |  ... | kind 1: folder id (Int64), key length L (UInt16), key (L bytes) |
/// |   70+K |   12 | kind 2: frame length (UInt64), segment count (UInt32); the frame is in segment records (`SegmentKey`) |
public struct ItemHeader: Equatable, Sendable {
    /// Format constant: the magic at offset 0 (FORMAT.md §3).
    public static let magic: [UInt8] = Array("BRKI".utf8)
    /// Format constant: the header version this code writes (FORMAT.md §3).
    public static let version: UInt8 = 2
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

/// Where an item's raw bytes are, after its header.
public enum StoredBody: Equatable, Sendable {
    /// In this value, as an LZ4 frame starting at `frameOffset`.
    case inline(frameOffset: Int)
    /// In another item's value: the same bytes are stored once (docs/FORMAT.md §3).
    case shared(BodyReference)
    /// In `segmentCount` segment records after the value (`SegmentKey`), whose
    /// concatenation is one LZ4 frame of `frameLength` bytes (docs/FORMAT.md §3, kind 2).
    case segmented(frameLength: UInt64, segmentCount: UInt32)

    /// True when the value holds the bytes itself (inline or in its segments), so it
    /// may be the holder other items refer to.
    public var holdsBytes: Bool {
        if case .shared = self { return false }
        return true
    }
}

/// Encodes and decodes item values: header, then an LZ4 frame or a reference to the
/// item whose value holds the same bytes.
public enum ItemValue {
    /// Why a value does not decode.
    public enum DecodingError: Error, Equatable, CustomStringConvertible {
        case truncated
        case badMagic
        case unsupportedVersion(UInt8)
        case decompression(String)
        case sizeMismatch(expected: UInt64, found: Int)
        case unknownBodyKind(UInt8)
        case holderIsReference
        case implausibleSize(UInt64)
        case missingSegment(UInt32)
        case segmentLayout(String)

        public var description: String {
            switch self {
            case .truncated: return "value shorter than its header"
            case .badMagic: return "value does not start with BRKI"
            case .unsupportedVersion(let v): return "item header version \(v) is newer than this brick reads"
            case .decompression(let detail): return "LZ4 frame: \(detail)"
            case .sizeMismatch(let expected, let found): return "expected \(expected) bytes, found \(found)"
            case .unknownBodyKind(let kind): return "unknown body kind \(kind)"
            case .holderIsReference: return "the value holding the shared bytes is itself a reference"
            case .implausibleSize(let size): return "raw size \(size) in the header cannot come from a frame this short"
            case .missingSegment(let index): return "segment \(index) of the LZ4 frame is missing"
            case .segmentLayout(let detail): return "segmented frame: \(detail)"
            }
        }
    }

    /// Builds the stored value of `raw` with `header`.
    public static func encode(header: ItemHeader, raw: [UInt8], compressor: LZ4Frame) throws -> [UInt8] {
        var out: [UInt8] = []
        try compressor.compress(raw, after: encodeHeader(header, kind: .frame, reserving: 0), into: &out)
        return out
    }

    /// Builds the value of an item whose bytes are stored in the item `reference` names.
    public static func encode(header: ItemHeader, sharing reference: BodyReference) -> [UInt8] {
        var out = encodeHeader(header, kind: .reference, reserving: reference.encodedSize)
        reference.encode(into: &out)
        return out
    }

    /// Builds the value of an item whose LZ4 frame of `frameLength` bytes is stored in
    /// `segmentCount` segment records (docs/FORMAT.md §3, body kind 2).
    public static func encode(header: ItemHeader, frameLength: UInt64, segmentCount: UInt32) -> [UInt8] {
        var out = encodeHeader(header, kind: .segmented, reserving: 12)
        appendLE(&out, frameLength)
        appendLE(&out, segmentCount)
        return out
    }

    /// Rewrites `value` to keep its header and take its body from `body`: the LZ4
    /// frame of another value, or a new reference. No decompression happens.
    public static func replacingBody(of value: [UInt8], with body: ReplacementBody) throws(DecodingError) -> [UInt8] {
        _ = try decodeHeader(value)
        // The body starts right after the keywords, whatever it is: a reference's size
        // as re-encoded is no measure of the bytes it was read from (a key that is not
        // valid UTF-8 re-encodes longer).
        let headerEnd = ItemHeader.fixedSize + Int(readLE(value, 68, UInt16.self))
        var out = Array(value[0..<headerEnd])
        out[4] = ItemHeader.version
        switch body {
        case .frame(let holderValue):
            switch try decodeHeader(holderValue).1 {
            case .inline(let frameOffset):
                out[5] = BodyKind.frame.rawValue
                out += holderValue[frameOffset...]
            case .segmented(let frameLength, let segmentCount):
                // The segments themselves are copied under the new key by the caller.
                out[5] = BodyKind.segmented.rawValue
                appendLE(&out, frameLength)
                appendLE(&out, segmentCount)
            case .shared:
                throw .holderIsReference
            }
        case .reference(let reference):
            out[5] = BodyKind.reference.rawValue
            reference.encode(into: &out)
        }
        return out
    }

    /// What `replacingBody` puts after a header.
    public enum ReplacementBody {
        /// The LZ4 frame of this value holding bytes; for a segmented value, only the
        /// frame's length and segment count (the caller copies the segment records).
        case frame(of: [UInt8])
        /// A reference.
        case reference(BodyReference)
    }

    /// Body kinds, byte 5 of a version 2 header.
    enum BodyKind: UInt8 {
        case frame = 0
        case reference = 1
        case segmented = 2
    }

    /// Bytes at the start of a stored value that give its body kind.
    static let kindPrefixLength = 6

    /// Whether a stored value starting with `prefix` (`kindPrefixLength` bytes) says it
    /// is of body kind 2 (segmented); `decodeHeader` of the whole value checks the rest.
    static func isSegmented(_ prefix: [UInt8]) -> Bool {
        prefix.count >= kindPrefixLength && prefix[0..<4].elementsEqual(ItemHeader.magic) && prefix[4] != 1
            && prefix[5] == BodyKind.segmented.rawValue
    }

    private static func encodeHeader(_ header: ItemHeader, kind: BodyKind, reserving bodySize: Int) -> [UInt8] {
        let keywords = Array(header.flags.keywords.joined(separator: " ").utf8.prefix(Int(UInt16.max)))
        var out = [UInt8]()
        out.reserveCapacity(ItemHeader.fixedSize + keywords.count + bodySize)
        out += ItemHeader.magic
        out.append(ItemHeader.version)
        out.append(kind.rawValue)
        appendLE(&out, header.flags.system.rawValue)
        appendLE(&out, UInt64(bitPattern: header.internalDate))
        appendLE(&out, header.rawSize)
        appendLE(&out, header.uid)
        appendLE(&out, header.modSeq)
        out += header.sha256.count == 32 ? header.sha256 : [UInt8](repeating: 0, count: 32)
        appendLE(&out, UInt16(keywords.count))
        out += keywords
        return out
    }

    /// Reads the header and where the body is. Reads versions 1 and 2.
    public static func decodeHeader(_ value: [UInt8]) throws(DecodingError) -> (ItemHeader, StoredBody) {
        guard value.count >= ItemHeader.fixedSize else { throw .truncated }
        guard Array(value[0..<4]) == ItemHeader.magic else { throw .badMagic }
        guard value[4] == 1 || value[4] == ItemHeader.version else { throw .unsupportedVersion(value[4]) }
        guard let kind = BodyKind(rawValue: value[4] == 1 ? 0 : value[5]) else { throw .unknownBodyKind(value[5]) }
        let keywordCount = Int(readLE(value, 68, UInt16.self))
        guard value.count >= ItemHeader.fixedSize + keywordCount else { throw .truncated }
        let keywordText = String(decoding: value[70..<(70 + keywordCount)], as: UTF8.self)
        let flags = ItemFlags(
            system: SystemFlags(rawValue: readLE(value, 6, UInt16.self)),
            // Split by Unicode scalars: a keyword starting with a combining mark would
            // otherwise merge with the space before it and with the keyword before that.
            keywords: keywordText.unicodeScalars.split(separator: " ").map { String(String.UnicodeScalarView($0)) })
        let header = ItemHeader(
            flags: flags,
            internalDate: Int64(bitPattern: readLE(value, 8, UInt64.self)),
            rawSize: readLE(value, 16, UInt64.self),
            uid: readLE(value, 24, UInt32.self),
            modSeq: readLE(value, 28, UInt64.self),
            sha256: Array(value[36..<68]))
        let bodyOffset = ItemHeader.fixedSize + keywordCount
        switch kind {
        case .frame: return (header, .inline(frameOffset: bodyOffset))
        case .reference: return (header, .shared(try BodyReference(decoding: value, at: bodyOffset)))
        case .segmented:
            guard value.count == bodyOffset + 12 else { throw .truncated }
            let frameLength = readLE(value, bodyOffset, UInt64.self)
            let segmentCount = readLE(value, bodyOffset + 8, UInt32.self)
            let most = frameLength.multipliedReportingOverflow(by: maximumExpansion)
            guard most.overflow || header.rawSize <= most.partialValue + 64 else { throw .implausibleSize(header.rawSize) }
            guard segmentCount > 0, UInt64(segmentCount) == SegmentKey.segmentCount(frameLength: frameLength) else {
                throw .segmentLayout("\(segmentCount) segments cannot hold a frame of \(frameLength) bytes")
            }
            return (header, .segmented(frameLength: frameLength, segmentCount: segmentCount))
        }
    }

    /// Decodes a whole value that holds its own bytes: header and raw bytes (the frame
    /// checksum is checked). A value sharing another's bytes throws; read it with
    /// `decode(_:frameFrom:decompressor:)`.
    public static func decode(_ value: [UInt8], decompressor: LZ4Frame) throws -> (ItemHeader, [UInt8]) {
        try decode(value, frameFrom: value, decompressor: decompressor)
    }

    /// Decodes `value`'s header and the raw bytes from the LZ4 frame in `holder`
    /// (the value itself, or the value its reference names).
    public static func decode(_ value: [UInt8], frameFrom holder: [UInt8], decompressor: LZ4Frame) throws -> (ItemHeader, [UInt8]) {
        let (header, _) = try decodeHeader(value)
        let offset: Int
        switch try decodeHeader(holder).1 {
        case .inline(let frameOffset): offset = frameOffset
        case .shared: throw DecodingError.holderIsReference
        case .segmented: throw DecodingError.segmentLayout("the frame is in segment records; read it with a FrameReader")
        }
        let frame = holder[offset...]
        // LZ4 never expands more than 255 to 1: a larger size is a damaged header, and
        // must not become an allocation.
        guard header.rawSize <= UInt64(frame.count) * ItemValue.maximumExpansion + 64 else {
            throw DecodingError.implausibleSize(header.rawSize)
        }
        let raw: [UInt8]
        do {
            raw = try decompressor.decompress(frame, expectedSize: Int(header.rawSize), limit: Int(header.rawSize))
        } catch {
            throw DecodingError.decompression(error.description)
        }
        guard raw.count == header.rawSize else { throw DecodingError.sizeMismatch(expected: header.rawSize, found: raw.count) }
        return (header, raw)
    }

    /// The most an LZ4 frame expands: bounds sizes read from a header before use.
    static let maximumExpansion: UInt64 = 256

    static func appendLE<T: FixedWidthInteger>(_ out: inout [UInt8], _ value: T) {
        withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) }
    }

    static func readLE<T: FixedWidthInteger>(_ bytes: [UInt8], _ offset: Int, _: T.Type) -> T {
        var value: T = 0
        for index in 0..<MemoryLayout<T>.size {
            value |= T(bytes[offset + index]) << (8 * index)
        }
        return value
    }
}
