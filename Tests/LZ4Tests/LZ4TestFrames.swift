import CLZ4
import LZ4

/// Frames written and read the ways the LZ4 tests compare against.
enum LZ4TestFrames {
    /// The frame liblz4 writes itself in one call (`LZ4F_compressFrame`) with `preferences`.
    static func liblz4Frame(_ input: [UInt8], _ preferences: LZ4F_preferences_t) -> [UInt8] {
        var preferences = preferences
        let bound = LZ4F_compressFrameBound(input.count, &preferences)
        var frame = [UInt8](repeating: 0, count: bound)
        let written = frame.withUnsafeMutableBytes { out in
            input.withUnsafeBytes { LZ4F_compressFrame(out.baseAddress, bound, $0.baseAddress, $0.count, &preferences) }
        }
        precondition(LZ4F_isError(written) == 0)
        return Array(frame[0..<written])
    }

    /// `frame` decoded by `LZ4FrameDecoder`, fed `piece` bytes at a time into an output
    /// buffer of `bufferSize`; stops at the frame's end, or when the input ran out.
    static func decodePieceByPiece(_ frame: [UInt8], piece: Int, bufferSize: Int) throws -> (output: [UInt8], used: Int) {
        let decoder = try LZ4FrameDecoder()
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: bufferSize)
        var offset = 0
        while !decoder.isFinished {
            let end = min(offset + piece, frame.count)
            let (used, made) = try frame[offset..<end].withUnsafeBytes { input in
                try buffer.withUnsafeMutableBytes { try decoder.decode(input, into: $0) }
            }
            offset += used
            output += buffer[0..<made]
            if used == 0 && made == 0 && end == frame.count { break }
        }
        return (output, offset)
    }
}
