import BrickTestSupport
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An HTTP server on 127.0.0.1 that answers each request from a script, for what no
/// real DAV server can be made to send (non-XML, a multistatus cut off). One request
/// per connection: every answer closes the connection.
final class ScriptedHTTPServer: @unchecked Sendable {
    let port: Int
    private let descriptor: Int32
    private let lock = NSLock()
    private var received: [String] = []

    /// Serves until released; `respond` gets the method and path and returns the body
    /// and status.
    init(respond: @escaping @Sendable (_ method: String, _ path: String) -> (status: Int, body: [UInt8])) throws {
        let (descriptor, port) = try LoopbackListener.open()
        self.descriptor = descriptor
        self.port = port
        let thread = Thread { [weak self] in
            while true {
                let client = accept(descriptor, nil, nil)
                guard client >= 0 else { return }
                var request: [UInt8] = []
                var buffer = [UInt8](repeating: 0, count: 65_536)
                while true {
                    let count = read(client, &buffer, buffer.count)
                    if count <= 0 { break }
                    request += buffer[0..<count]
                    if let end = ScriptedHTTPServer.headerEnd(request) {
                        let length = ScriptedHTTPServer.contentLength(request[..<end])
                        if request.count >= end + 4 + length { break }
                    }
                }
                let line = String(decoding: request.prefix { $0 != 13 }, as: UTF8.self).split(separator: " ")
                let method = line.first.map(String.init) ?? "", path = line.dropFirst().first.map(String.init) ?? ""
                self?.lock.withLock { self?.received.append("\(method) \(path)") }
                let (status, body) = respond(method, path)
                let head = "HTTP/1.1 \(status) Scripted\r\nContent-Type: application/xml\r\nContent-Length: \(body.count)\r\nConnection: close\r\n\r\n"
                let answer = Array(head.utf8) + body
                _ = answer.withUnsafeBytes { write(client, $0.baseAddress, $0.count) }
                close(client)
            }
        }
        thread.start()
    }

    deinit {
        shutdown(descriptor, Int32(SHUT_RDWR))
        close(descriptor)
    }

    /// The request lines received so far.
    var requests: [String] { lock.withLock { received } }

    /// The server's base URL.
    var url: String { "http://127.0.0.1:\(port)/" }

    private static func headerEnd(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for index in 0...(bytes.count - 4) where bytes[index] == 13 && bytes[index + 1] == 10 && bytes[index + 2] == 13 && bytes[index + 3] == 10 {
            return index
        }
        return nil
    }

    private static func contentLength(_ head: ArraySlice<UInt8>) -> Int {
        for line in String(decoding: head, as: UTF8.self).split(separator: "\r\n") where line.lowercased().hasPrefix("content-length:") {
            return Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) ?? 0
        }
        return 0
    }
}
