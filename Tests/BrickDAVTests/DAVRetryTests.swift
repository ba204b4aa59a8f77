@testable import BrickDAV
import BrickTestSupport
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// When a kept-alive connection breaks after a request went out, the client sends it
/// again only if sending it twice cannot change the outcome: a restore's PUT that the
/// server may have carried out is reported as failed, not re-sent and then counted as
/// "already there".
@Suite struct DAVRetryTests {
    @Test func putThatReachedTheServerIsNotSentAgainOnANewConnection() async throws {
        let server = try KeepAliveServer { request in
            request.hasPrefix("PUT") && request.contains("first") ? .dropWithoutAnswer : .answer(request.hasPrefix("PUT") ? 412 : 200)
        }
        let client = DAVClient(endpoint: try DAVEndpoint(url: server.url), user: "alice", credentials: nil)
        _ = try await client.expectSuccess(HTTPRequestMessage(method: "GET", path: "/warm"))
        let target = DAVTarget(client: client)
        await #expect(throws: DAVError.self) {
            _ = try await target.put(Array("BEGIN:VCALENDAR\r\n".utf8), name: "first.ics", in: "/cal/", kind: .calendar, overwrite: false)
        }
        #expect(server.requests == ["GET /warm", "PUT /cal/first.ics"])
        // The next resource goes out on a new connection as usual.
        let next = try await target.put(Array("BEGIN:VCALENDAR\r\n".utf8), name: "second.ics", in: "/cal/", kind: .calendar, overwrite: false)
        #expect(next == .alreadyThere)
        await client.close()
    }

    @Test func readThatReachedTheServerIsSentAgainOnANewConnection() async throws {
        let server = try KeepAliveServer { request in
            request.hasPrefix("GET /event") ? .dropWithoutAnswer : .answer(200)
        }
        let client = DAVClient(endpoint: try DAVEndpoint(url: server.url), user: "alice", credentials: nil)
        _ = try await client.expectSuccess(HTTPRequestMessage(method: "GET", path: "/warm"))
        server.dropOnlyOnce()
        let response = try await client.send(HTTPRequestMessage(method: "GET", path: "/event.ics"))
        #expect(response.status == 200)
        #expect(server.requests == ["GET /warm", "GET /event.ics", "GET /event.ics"])
        await client.close()
    }
}

/// An HTTP/1.1 server on 127.0.0.1 that keeps connections open between requests and,
/// as its script says, answers a request (empty body) or reads it in full and closes
/// the connection without a word: a server that carried a request out and then broke.
private final class KeepAliveServer: @unchecked Sendable {
    enum Action { case answer(Int), dropWithoutAnswer }

    let port: Int
    private let descriptor: Int32
    private let state = State()

    /// What the connection threads record, shared with them.
    private final class State: @unchecked Sendable {
        let lock = NSLock()
        var received: [String] = []
        var dropsLeft = Int.max
    }

    init(script: @escaping @Sendable (String) -> Action) throws {
        let (descriptor, port) = try LoopbackListener.open()
        self.descriptor = descriptor
        self.port = port
        let state = self.state
        let thread = Thread {
            while true {
                let client = accept(descriptor, nil, nil)
                guard client >= 0 else { return }
                Thread { KeepAliveServer.serve(client, state: state, script: script) }.start()
            }
        }
        thread.start()
    }

    deinit {
        shutdown(descriptor, Int32(SHUT_RDWR))
        close(descriptor)
    }

    var url: String { "http://127.0.0.1:\(port)/" }
    var requests: [String] { state.lock.withLock { state.received } }

    /// From now on, only the first request the script drops is dropped; later ones are
    /// answered 200.
    func dropOnlyOnce() { state.lock.withLock { state.dropsLeft = 1 } }

    private static func serve(_ client: Int32, state: State, script: (String) -> Action) {
        defer { close(client) }
        var pending: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            var request: (line: String, length: Int)?
            while request == nil {
                if let end = find([13, 10, 13, 10], in: pending) {
                    let head = String(decoding: pending[..<end], as: UTF8.self)
                    let length = head.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-length:") }
                        .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
                    if pending.count >= end + 4 + length {
                        request = (String(head.prefix { $0 != "\r" }), length)
                        pending.removeFirst(end + 4 + length)
                        break
                    }
                }
                let count = read(client, &buffer, buffer.count)
                if count <= 0 { return }
                pending += buffer[0..<count]
            }
            guard let line = request?.line else { return }
            let words = line.split(separator: " ")
            let name = words.prefix(2).joined(separator: " ")
            var action = script(line)
            state.lock.withLock {
                state.received.append(name)
                if case .dropWithoutAnswer = action {
                    if state.dropsLeft > 0 { state.dropsLeft -= 1 } else { action = .answer(200) }
                }
            }
            guard case .answer(let status) = action else { return }
            let answer = Array("HTTP/1.1 \(status) Scripted\r\nContent-Length: 0\r\n\r\n".utf8)
            _ = answer.withUnsafeBytes { write(client, $0.baseAddress, $0.count) }
        }
    }

    private static func find(_ needle: [UInt8], in bytes: [UInt8]) -> Int? {
        guard bytes.count >= needle.count else { return nil }
        for index in 0...(bytes.count - needle.count) where Array(bytes[index..<index + needle.count]) == needle { return index }
        return nil
    }
}
