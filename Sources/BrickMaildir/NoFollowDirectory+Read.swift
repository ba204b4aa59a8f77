import Glibc

extension NoFollowDirectory {
    /// The largest index file (`dovecot-uidlist`, `dovecot-keywords`) read whole: a
    /// sparse or runaway file above it fails the folder instead of the memory.
    public static let smallFileLimit = 256 << 20

    /// Reads the regular file `name` whole, or nil when it does not exist; at most
    /// `limit` bytes, more fails with `EFBIG`.
    public func readSmallFile(_ name: String, limit: Int = NoFollowDirectory.smallFileLimit) throws -> [UInt8]? {
        guard let fd = try openFile(name) else { return nil }
        defer { close(fd) }
        return try Self.readAll(fd, path: child(name), limit: limit)
    }

    /// Reads up to `limit` bytes from the start of the regular file `name`; nil when
    /// it does not exist.
    func readPrefix(_ name: String, length: Int) throws -> [UInt8]? {
        guard let fd = try openFile(name) else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: length)
        let count = try buffer.withUnsafeMutableBytes { raw in
            try POSIX.posixCall("read", path: child(name)) { Int32(truncatingIfNeeded: read(fd, raw.baseAddress!, raw.count)) }
        }
        return Array(buffer[0..<Int(count)])
    }

    /// Everything left in `fd`, failing with `EFBIG` past `limit` bytes.
    static func readAll(_ fd: Int32, path: String, limit: Int) throws -> [UInt8] {
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = try chunk.withUnsafeMutableBytes { buffer in
                try POSIX.posixCall("read", path: path) {
                    Int32(truncatingIfNeeded: read(fd, buffer.baseAddress!, buffer.count))
                }
            }
            if count == 0 { return result }
            guard result.count + Int(count) <= limit else {
                throw MaildirError.systemCall(function: "read", path: path, errno: EFBIG)
            }
            result.append(contentsOf: chunk[0..<Int(count)])
        }
    }
}
