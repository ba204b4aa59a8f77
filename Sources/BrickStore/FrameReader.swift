import Crypto
import LZ4

/// Reads one item's raw bytes piece by piece from its LZ4 frame, inline in a value or
/// split into segment records (docs/FORMAT.md §3), holding one segment and one LZ4
/// block at a time. It checks what a whole read checks, at the latest when the frame
/// ends: every segment there and of its length, the frame's content checksum, the raw
/// size and the SHA-256 of the header.
final class FrameReader {
    /// Where the frame is.
    enum Source {
        /// Inline in `value`, from `offset` to the end.
        case inline(value: [UInt8], offset: Int)
        /// In `count` segment records of a frame of `frameLength` bytes; `fetch`
        /// returns segment `i`, or nil when it is missing.
        case segments(count: UInt32, frameLength: UInt64, fetch: (UInt32) throws -> [UInt8]?)
    }

    private let header: ItemHeader
    private let source: Source
    private var decoder: LZ4FrameDecoder
    private var hasher = SHA256()
    private var input: [UInt8] = []
    private var inputOffset = 0
    private var nextSegment: UInt32 = 0
    private var frameBytes: UInt64 = 0
    private var rawBytes: UInt64 = 0
    private var done = false

    init(header: ItemHeader, source: Source) throws {
        self.header = header
        self.source = source
        decoder = try LZ4FrameDecoder()
        try rewind()
    }

    /// Starts again from the first byte.
    func rewind() throws {
        decoder = try LZ4FrameDecoder()
        hasher = SHA256()
        nextSegment = 0
        frameBytes = 0
        rawBytes = 0
        done = false
        switch source {
        case .inline(let value, let offset):
            input = value
            inputOffset = offset
        case .segments:
            input = []
            inputOffset = 0
        }
    }

    /// Reads the next raw bytes into `buffer`; 0 at the end, after every check passed.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard !done, buffer.count > 0 else { return 0 }
        while true {
            if decoder.isFinished {
                try finish()
                return 0
            }
            // With no input left this still flushes output liblz4 decoded but held back.
            let (consumed, produced) = try input.withUnsafeBytes { bytes in
                try decoder.decode(UnsafeRawBufferPointer(rebasing: bytes[inputOffset...]), into: buffer)
            }
            inputOffset += consumed
            if produced > 0 {
                rawBytes += UInt64(produced)
                guard rawBytes <= header.rawSize else {
                    throw ItemValue.DecodingError.sizeMismatch(expected: header.rawSize, found: Int(clamping: rawBytes))
                }
                hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: buffer[0..<produced]))
                return produced
            }
            if decoder.isFinished { continue }
            if inputOffset == input.count {
                try loadSegment()
            } else if consumed == 0 {
                throw ItemValue.DecodingError.decompression("LZ4F_decompress made no progress")
            }
        }
    }

    /// Up to `limit` raw bytes from the start, without the checks of a whole read
    /// (for a header summary); rewinds first.
    func readPrefix(_ limit: Int) throws -> [UInt8] {
        try rewind()
        var out = [UInt8](repeating: 0, count: limit)
        var filled = 0
        while filled < limit {
            let count = try out.withUnsafeMutableBytes { try read(into: UnsafeMutableRawBufferPointer(rebasing: $0[filled...])) }
            if count == 0 { break }
            filled += count
        }
        out.removeSubrange(filled...)
        return out
    }

    /// Reads to the end, checking everything; returns the raw size.
    func readToEnd() throws -> UInt64 {
        try rewind()
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while try buffer.withUnsafeMutableBytes({ try read(into: $0) }) > 0 {}
        return rawBytes
    }

    private func loadSegment() throws {
        guard case .segments(let count, let frameLength, let fetch) = source else {
            throw ItemValue.DecodingError.decompression("truncated frame")
        }
        guard nextSegment < count else { throw ItemValue.DecodingError.decompression("truncated frame") }
        guard let segment = try fetch(nextSegment) else { throw ItemValue.DecodingError.missingSegment(nextSegment) }
        let expected = nextSegment + 1 < count
            ? UInt64(SegmentKey.segmentSize) : frameLength - UInt64(SegmentKey.segmentSize) * UInt64(count - 1)
        guard UInt64(segment.count) == expected else {
            throw ItemValue.DecodingError.segmentLayout("segment \(nextSegment) holds \(segment.count) bytes, not \(expected)")
        }
        frameBytes += UInt64(segment.count)
        nextSegment += 1
        input = segment
        inputOffset = 0
    }

    private func finish() throws {
        guard inputOffset == input.count else { throw ItemValue.DecodingError.decompression("bytes after the end of the frame") }
        if case .segments(let count, let frameLength, _) = source {
            guard nextSegment == count, frameBytes == frameLength else {
                throw ItemValue.DecodingError.segmentLayout("the frame ends in segment \(nextSegment) of \(count)")
            }
        }
        guard rawBytes == header.rawSize else {
            throw ItemValue.DecodingError.sizeMismatch(expected: header.rawSize, found: Int(clamping: rawBytes))
        }
        guard Array(hasher.finalize()) == header.sha256 else {
            throw ItemValue.DecodingError.segmentLayout("the bytes do not hash to the header's SHA-256")
        }
        input = []
        done = true
    }
}
