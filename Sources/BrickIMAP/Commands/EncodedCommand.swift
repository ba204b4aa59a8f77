/// A command as bytes, cut where the client must wait for the server's `+` before
/// going on (a synchronizing literal, a SASL response).
struct EncodedCommand: Sendable {
    /// One piece of the command.
    struct Chunk: Sendable {
        /// The bytes to write.
        var bytes: [UInt8]
        /// True when the server's continuation request must arrive before these bytes.
        var waitsForContinuation: Bool
    }

    /// The pieces in order; the first never waits.
    private(set) var chunks: [Chunk] = [Chunk(bytes: [], waitsForContinuation: false)]

    /// Appends text to the current piece.
    mutating func append(_ text: String) {
        chunks[chunks.count - 1].bytes.append(contentsOf: text.utf8)
    }

    /// Appends a literal: `{n+}` inline when non-synchronizing, else `{n}` and a new
    /// piece that waits for `+`. `binary` writes literal8 (`~{n}`, RFC 3516).
    mutating func appendLiteral(_ bytes: [UInt8], synchronizing: Bool, binary: Bool = false) {
        append("\(binary ? "~" : ""){\(bytes.count)\(synchronizing ? "" : "+")}\r\n")
        if synchronizing {
            chunks.append(Chunk(bytes: bytes, waitsForContinuation: true))
        } else {
            chunks[chunks.count - 1].bytes.append(contentsOf: bytes)
        }
    }

    /// Starts a piece sent only after the server's `+` (SASL responses).
    mutating func appendAfterContinuation(_ text: String) {
        chunks.append(Chunk(bytes: Array(text.utf8), waitsForContinuation: true))
    }

    /// Every byte, ignoring continuation points (for tests).
    var allBytes: [UInt8] { chunks.flatMap(\.bytes) }
}
