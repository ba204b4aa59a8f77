import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A one-connection-at-a-time IMAP server on 127.0.0.1 that answers from a script, for
/// tests of client behaviour no real server can be made to show (a stripped STARTTLS,
/// LOGINDISABLED on loopback, a FETCH answered without a body).
///
/// The greeting is sent on accept; each command line is handed to `respond` with its
/// tag and the text after the tag, and what it returns is written back as is (it must
/// end with the tagged completion). Every command line received is recorded.
public final class ScriptedIMAPServer: @unchecked Sendable {
    /// The port it listens on.
    public let port: Int
    private let descriptor: Int32
    private let lock = NSLock()
    private var received: [String] = []
    private var thread: Thread?

    /// Listens on a free port of 127.0.0.1 and serves connections until deinit.
    public init(greeting: String, respond: @escaping @Sendable (_ tag: String, _ command: String) -> String) throws {
        let (descriptor, port) = try LoopbackListener.open(backlog: 8)
        self.descriptor = descriptor
        self.port = port
        let listening = descriptor
        let thread = Thread { [weak self] in
            while true {
                let client = accept(listening, nil, nil)
                guard client >= 0 else { return }
                self?.serve(client, greeting: greeting, respond: respond)
                close(client)
            }
        }
        self.thread = thread
        thread.start()
    }

    deinit {
        shutdown(descriptor, Int32(SHUT_RDWR))
        close(descriptor)
    }

    /// The command lines received so far (tag excluded), in order.
    public var commands: [String] {
        lock.lock()
        defer { lock.unlock() }
        return received
    }

    private func serve(_ client: Int32, greeting: String, respond: (String, String) -> String) {
        guard write(client, greeting) else { return }
        var pending = Data()
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = read(client, &chunk, chunk.count)
            guard count > 0 else { return }
            pending.append(contentsOf: chunk[0..<count])
            while let newline = pending.firstIndex(of: 0x0A) {
                let line = String(decoding: pending[pending.startIndex..<newline], as: UTF8.self)
                    .trimmingCharacters(in: .whitespacesAndNewlines)
                pending = Data(pending[pending.index(after: newline)...])
                guard let space = line.firstIndex(of: " ") else { continue }
                let tag = String(line[..<space])
                let command = String(line[line.index(after: space)...])
                lock.lock()
                received.append(command)
                lock.unlock()
                guard write(client, respond(tag, command)) else { return }
                if command.uppercased() == "LOGOUT" { return }
            }
        }
    }

    private func write(_ client: Int32, _ text: String) -> Bool {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard written > 0 else { return false }
            offset += written
        }
        return true
    }
}
