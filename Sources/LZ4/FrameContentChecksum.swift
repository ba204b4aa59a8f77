import CXXHash

/// The content checksum of an LZ4 frame (XXH32 of the raw bytes, seed 0: the frame
/// format's own checksum), computed with libxxhash instead of liblz4.
///
/// liblz4 as Debian builds it hashes at about 1.6 GB/s, a tenth of libxxhash's XXH32 on
/// the same machine, and that alone was a tenth of a full backup's CPU on large mail
/// (docs/BENCHMARKS.md, "The frames' content checksum"). So frames are compressed and
/// decompressed with liblz4's checksum off and this type adds and checks it: the frame
/// bytes are exactly those liblz4 writes with its checksum on (the header's flag and
/// header checksum are set to match), and every reader that checks them still can.
enum FrameContentChecksum {
    /// The frame descriptor's flag saying a content checksum follows the end mark.
    static let flag: UInt8 = 0x04

    /// XXH32 of `bytes`, seed 0.
    static func of(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        XXH32(bytes.baseAddress, bytes.count, 0)
    }

    /// Length of the frame header starting at `frame` (magic, descriptor, header checksum).
    static func headerLength(_ frame: UnsafeRawPointer) -> Int {
        let flags = frame.load(fromByteOffset: 4, as: UInt8.self)
        return 7 + (flags & 0x08 != 0 ? 8 : 0) + (flags & 0x01 != 0 ? 4 : 0)
    }

    /// Turns the header of a frame written without a content checksum into the header
    /// of the same frame with one: sets the flag and recomputes the header checksum
    /// (the second byte of XXH32 over the descriptor).
    static func markHeader(_ frame: UnsafeMutableRawPointer) {
        let length = headerLength(frame)
        frame.storeBytes(of: frame.load(fromByteOffset: 4, as: UInt8.self) | flag, toByteOffset: 4, as: UInt8.self)
        let descriptor = UnsafeRawBufferPointer(start: frame + 4, count: length - 5)
        frame.storeBytes(of: UInt8(truncatingIfNeeded: of(descriptor) >> 8), toByteOffset: length - 1, as: UInt8.self)
    }

    /// Writes `checksum` little-endian at `at`.
    static func store(_ checksum: UInt32, at: UnsafeMutableRawPointer) {
        at.storeBytes(of: checksum.littleEndian, as: UInt32.self)
    }

    /// The checksum stored little-endian in the last four of `bytes`.
    static func stored(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: bytes.count - 4, as: UInt32.self))
    }

    /// The error liblz4 itself gives for a content checksum that does not match.
    static let mismatch = LZ4Error(function: "LZ4F_decompress", name: "ERROR_contentChecksum_invalid")
}

/// XXH32 of the raw bytes of a frame compressed or decompressed piece by piece.
final class StreamingContentChecksum {
    private let state: OpaquePointer

    init() throws(LZ4Error) {
        guard let state = XXH32_createState() else { throw LZ4Error(function: "XXH32_createState", name: "out of memory") }
        self.state = state
        XXH32_reset(state, 0)
    }

    deinit { XXH32_freeState(state) }

    func update(_ bytes: UnsafeRawBufferPointer) {
        if bytes.count > 0 { XXH32_update(state, bytes.baseAddress, bytes.count) }
    }

    var digest: UInt32 { XXH32_digest(state) }
}
