import Foundation
import Glibc

/// Reads a message file's header block, so a target can fingerprint what a folder holds
/// without reading whole messages.
enum MessageHeaders {
    /// How many bytes of a message are searched for the Message-ID, as the catalog does.
    static let searchLimit = 256 * 1024

    /// The bytes of the open file `fd` (at `path`) up to and including the blank line
    /// that ends its header (the whole file when it has none), and whether the end was found.
    static func readHeader(_ fd: Int32, path: String, limit: Int = searchLimit) throws -> (bytes: [UInt8], complete: Bool) {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16384)
        while bytes.count < limit {
            let count = try chunk.withUnsafeMutableBytes { buffer in
                try POSIX.posixCall("read", path: path) {
                    Int32(truncatingIfNeeded: read(fd, buffer.baseAddress!, buffer.count))
                }
            }
            if count == 0 { return (bytes, false) }
            let searchStart = max(0, bytes.count - 3)
            bytes.append(contentsOf: chunk[0..<Int(count)])
            if let end = blankLineEnd(bytes, from: searchStart) { return (Array(bytes[0..<end]), true) }
        }
        return (bytes, false)
    }

    /// The index just past the first empty line (`\n\n` or `\n\r\n`), searching from `start`.
    static func blankLineEnd(_ bytes: [UInt8], from start: Int) -> Int? {
        if bytes.first == UInt8(ascii: "\n") { return 1 }
        if bytes.count >= 2, bytes[0] == UInt8(ascii: "\r"), bytes[1] == UInt8(ascii: "\n") { return 2 }
        var index = start
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "\n") {
                if index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "\n") { return index + 2 }
                if index + 2 < bytes.count, bytes[index + 1] == UInt8(ascii: "\r"), bytes[index + 2] == UInt8(ascii: "\n") {
                    return index + 3
                }
            }
            index += 1
        }
        return nil
    }
}
