@testable import BrickIMAP
import BrickTestSupport
import Testing

/// A command written after the connection ended fails with why it ended, not with
/// NIO's "I/O on closed channel" (Dovecot ends a connection that sent nothing for
/// 180 s after the greeting with `* BYE Disconnected for inactivity.`).
@Suite("Commands after the connection ended")
struct ConnectionEndTests {
    @Test("a command after the server's BYE fails with the BYE's text")
    func aCommandAfterByeNamesTheBye() async throws {
        let server = try ScriptedIMAPServer(
            greeting: "* OK [CAPABILITY IMAP4rev1] ready\r\n* BYE Disconnected for inactivity.\r\n"
        ) { tag, _ in "\(tag) OK done\r\n" }
        let endpoint = IMAPEndpoint(host: "127.0.0.1", port: server.port, tls: .never, connectTimeout: 30, readTimeout: 120)
        let connection = try await IMAPConnection.connect(to: endpoint, logger: testLogger)
        try await connection.closed.get()
        do {
            try await connection.execute(.noop)
            Issue.record("NOOP succeeded on a closed connection")
        } catch {
            #expect(error.description == "127.0.0.1 closed the connection: Disconnected for inactivity.")
        }
        #expect(server.commands.isEmpty)
    }
}
