import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A blocking plain-text IMAP client on 127.0.0.1 for tests that set or read what a
/// real server holds (SETMETADATA, GETMETADATA) independently of Brick's own client.
/// Commands are sent as given, tagged; the answer is every byte up to and including
/// the tagged line, literals included.
public final class LineIMAPClient {
    private let descriptor: Int32
    private var buffer: [UInt8] = []
    private var counter = 0

    /// Connects and reads the greeting.
    public init(port: Int) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw ChildProcess.Failure(message: "cannot open a socket") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(descriptor)
            throw ChildProcess.Failure(message: "cannot connect to 127.0.0.1:\(port)")
        }
        _ = try readLine()
    }

    deinit { close(descriptor) }

    /// Sends `command` (without tag and CRLF) and returns the whole answer; throws
    /// unless the tagged status is OK.
    @discardableResult
    public func run(_ command: String) throws -> String {
        counter += 1
        let tag = "T\(counter)"
        let bytes = Array("\(tag) \(command)\r\n".utf8)
        guard bytes.withUnsafeBytes({ write(descriptor, $0.baseAddress, $0.count) }) == bytes.count else {
            throw ChildProcess.Failure(message: "cannot send \(command)")
        }
        var answer = ""
        while true {
            let line = try readLine()
            answer += line
            if line.hasPrefix(tag + " ") {
                guard line.hasPrefix(tag + " OK") else { throw ChildProcess.Failure(message: "\(command): \(line)") }
                return answer
            }
        }
    }

    /// The quoted-string or non-synchronizing literal form of `value`, for a command.
    public static func argument(_ value: String) -> String {
        if value.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\"" || $0 == "\\" }) {
            return "{\(value.utf8.count)+}\r\n\(value)"
        }
        return "\"\(value)\""
    }

    private func readLine() throws -> String {
        while true {
            if let end = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[...end], as: UTF8.self)
                buffer.removeSubrange(...end)
                return line
            }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            guard count > 0 else { throw ChildProcess.Failure(message: "the IMAP server closed the connection") }
            buffer += chunk[..<count]
        }
    }
}
