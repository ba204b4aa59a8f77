@testable import BrickIMAP
import BrickTestSupport
import Foundation
import Testing

/// `imap://` never falls back to plain text, and LOGINDISABLED is honoured.
@Suite("No password in clear")
struct CleartextRefusalTests {
    private static func server(capabilities: String) throws -> ScriptedIMAPServer {
        try ScriptedIMAPServer(greeting: "* OK [CAPABILITY \(capabilities)] ready\r\n") { tag, command in
            command.uppercased() == "LOGOUT" ? "* BYE\r\n\(tag) OK bye\r\n" : "\(tag) OK done\r\n"
        }
    }

    private static func endpoint(_ server: ScriptedIMAPServer, tls: IMAPEndpoint.TLSMode) -> IMAPEndpoint {
        IMAPEndpoint(host: "127.0.0.1", port: server.port, tls: tls, connectTimeout: 5, readTimeout: 5)
    }

    private static func isCredential(_ command: String) -> Bool {
        let upper = command.uppercased()
        return upper.hasPrefix("LOGIN") || upper.hasPrefix("AUTHENTICATE")
    }

    @Test("imap:// fails with startTLSUnavailable when STARTTLS is not offered (or stripped), before any credential")
    func strippedStartTLSIsRefused() async throws {
        let server = try Self.server(capabilities: "IMAP4rev1 AUTH=PLAIN SASL-IR")
        let endpoint = try IMAPEndpoint(url: "imap://127.0.0.1:\(server.port)")
        #expect(endpoint.tls == .startTLS)
        do {
            let connection = try await IMAPConnection.connect(to: endpoint, logger: testLogger)
            try await connection.authenticate(IMAPCredentials(user: "alice", password: "secret"))
            Issue.record("connected in clear")
        } catch {
            guard case .startTLSUnavailable = error as? IMAPError else {
                Issue.record("unexpected \(error)")
                return
            }
        }
        #expect(!server.commands.contains(where: Self.isCredential))
    }

    @Test("LOGINDISABLED without AUTH=PLAIN: nothing is sent, loginDisabled is thrown")
    func loginDisabledWithoutPlain() async throws {
        let server = try Self.server(capabilities: "IMAP4rev1 LOGINDISABLED")
        let connection = try await IMAPConnection.connect(to: Self.endpoint(server, tls: .never), logger: testLogger)
        for method in IMAPCredentials.Method.allCases {
            do {
                try await connection.authenticate(IMAPCredentials(user: "alice", password: "secret", method: method))
                Issue.record("logged in despite LOGINDISABLED (\(method))")
            } catch {
                guard case .loginDisabled = error else {
                    Issue.record("unexpected \(error)")
                    continue
                }
            }
        }
        await connection.close()
        #expect(!server.commands.contains(where: Self.isCredential))
    }

    @Test("LOGINDISABLED with AUTH=PLAIN: --auth login is refused, auto uses AUTHENTICATE PLAIN, never LOGIN")
    func loginDisabledWithPlain() async throws {
        let server = try Self.server(capabilities: "IMAP4rev1 LOGINDISABLED AUTH=PLAIN SASL-IR")
        let connection = try await IMAPConnection.connect(to: Self.endpoint(server, tls: .never), logger: testLogger)
        do {
            try await connection.authenticate(IMAPCredentials(user: "alice", password: "secret", method: .login))
            Issue.record("LOGIN sent despite LOGINDISABLED")
        } catch {
            guard case .loginDisabled = error else {
                Issue.record("unexpected \(error)")
                return
            }
        }
        try await connection.authenticate(IMAPCredentials(user: "alice", password: "secret", method: .automatic))
        await connection.close()
        #expect(!server.commands.contains { $0.uppercased().hasPrefix("LOGIN") })
        #expect(server.commands.contains { $0.uppercased().hasPrefix("AUTHENTICATE PLAIN") })
    }

    @Test("a real Dovecot without TLS: imap:// is refused, --tls never logs in", .enabled(if: DovecotServer.shouldRun))
    func dovecotWithoutStartTLS() async throws {
        try await withDovecot(noStartTLS: true) { server in
            do {
                let connection = try await IMAPConnection.connect(to: server.endpoint(tls: .startTLS), logger: testLogger)
                await connection.close()
                Issue.record("connected without STARTTLS")
            } catch {
                guard case .startTLSUnavailable? = error as? IMAPError else {
                    Issue.record("unexpected \(error)")
                    return
                }
            }
            let connection = try await IMAPConnection.connect(to: server.endpoint(tls: .never), logger: testLogger)
            try await connection.authenticate(IMAPCredentials(user: "alice", password: "pass-alice"))
            await connection.close()
        }
    }
}
