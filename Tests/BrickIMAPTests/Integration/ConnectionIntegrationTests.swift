@testable import BrickIMAP
import BrickCore
import Foundation
import Testing

@Suite("Connection against a real Dovecot", .enabled(if: DovecotServer.shouldRun))
struct ConnectionIntegrationTests {
    @Test("LOGIN, SASL PLAIN and PLAIN with an admin authorization id all log in")
    func loginMethods() async throws {
        try await withDovecot { server in
            for credentials in [
                IMAPCredentials(user: "alice", password: "pass-alice", method: .login),
                IMAPCredentials(user: "alice", password: "pass-alice", method: .plain),
                IMAPCredentials(user: "alice", password: "pass-admin", adminUser: "backup-admin", method: .plain),
                IMAPCredentials(user: "alice", password: "pass-admin", adminUser: "backup-admin", method: .login),
            ] {
                let connection = try await IMAPConnection.connect(to: server.endpoint(tls: .never), logger: testLogger)
                try await connection.authenticate(credentials)
                #expect(await connection.capabilities.contains("QRESYNC"))
                let status = try await connection.execute(.status(mailbox: "INBOX", items: ["MESSAGES"]))
                #expect(status.untagged.count == 1)
                await connection.close()
            }
        }
    }

    @Test("a wrong password fails with authenticationFailed and without the password in the text")
    func wrongPassword() async throws {
        try await withDovecot { server in
            let connection = try await IMAPConnection.connect(to: server.endpoint(tls: .never), logger: testLogger)
            do {
                try await connection.authenticate(IMAPCredentials(user: "bob", password: "secret-wrong"))
                Issue.record("login succeeded")
            } catch {
                guard case .authenticationFailed? = error as? IMAPError else {
                    Issue.record("unexpected \(error)")
                    return
                }
                #expect(!String(describing: error).contains("secret-wrong"))
            }
            await connection.close()
        }
    }

    @Test("STARTTLS and implicit TLS verify the certificate against the CA file")
    func tlsWithCAFile() async throws {
        try await withDovecot { server in
            for mode in [IMAPEndpoint.TLSMode.startTLS, .implicit] {
                let connection = try await IMAPConnection.connect(to: server.endpoint(tls: mode), logger: testLogger)
                #expect(await !connection.capabilities.contains("STARTTLS"))
                try await connection.authenticate(IMAPCredentials(user: "carol", password: "pass-carol"))
                await connection.close()
            }
        }
    }

    @Test("without the CA file the certificate is refused, unless insecure is chosen")
    func tlsWithoutCAFile() async throws {
        try await withDovecot { server in
            for mode in [IMAPEndpoint.TLSMode.startTLS, .implicit] {
                var endpoint = server.endpoint(tls: mode)
                endpoint.caFile = nil
                do {
                    let connection = try await IMAPConnection.connect(to: endpoint, logger: testLogger)
                    await connection.close()
                    Issue.record("untrusted certificate accepted (\(mode))")
                } catch {
                    guard case .tlsFailed? = error as? IMAPError else {
                        Issue.record("unexpected \(error)")
                        continue
                    }
                }
                endpoint.insecure = true
                let connection = try await IMAPConnection.connect(to: endpoint, logger: testLogger)
                try await connection.authenticate(IMAPCredentials(user: "dave", password: "pass-dave"))
                await connection.close()
            }
        }
    }

    @Test("connecting to a closed port fails with connectionFailed")
    func closedPort() async throws {
        let endpoint = IMAPEndpoint(host: "127.0.0.1", port: 1, tls: .never, connectTimeout: 2)
        await #expect(throws: IMAPError.self) {
            _ = try await IMAPConnection.connect(to: endpoint, logger: testLogger)
        }
    }

    @Test("tricky messages and folder names go in with APPEND and come back byte for byte")
    func appendAndFetchTrickyMessages() async throws {
        try await withDovecot { server in
            let connection = try await server.connect("alice")
            let big = (0..<40_000).map { "line \($0) of a large message, padded to be long enough\r\n" }.joined()
            let messages: [[UInt8]] = [
                Array("Subject: crlf\r\n\r\nbody\r\n".utf8),
                Array("Subject: bare lf\n\nbody\nmore\n".utf8),
                Array("Subject: 8bit \u{e4}\u{f6}\u{fc}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nGr\u{fc}\u{df}e \u{1F600}\r\n".utf8),
                Array("Subject: big\r\n\r\n\(big)".utf8),
                Array("Subject: no final newline\r\n\r\nend".utf8),
            ]
            for name in ["INBOX", "Café & Bar", "Archiv/2024 Q1", "日本語"] {
                let path = FolderPath(parsing: name)
                let wire = try MailboxName.wireName(of: path, delimiter: "/")
                if name != "INBOX" { try await connection.execute(.create(mailbox: wire, specialUse: nil)) }
                let appends = messages.map { Command.append(mailbox: wire, message: AppendMessage(flags: ["\\Seen"], internalDate: Date(timeIntervalSince1970: 1_700_000_000), data: $0)) }
                for result in await connection.pipeline(appends) { #expect(try result.get().isOK) }
                try await connection.execute(.select(mailbox: wire, readOnly: true, parameters: .none))
                let fetched = try await connection.execute(.uidFetch(UIDSet(ranges: [1...UInt32.max]), items: "UID INTERNALDATE BODY.PEEK[]", modifiers: nil))
                let bodies = fetched.untagged.compactMap { response -> [UInt8]? in
                    if case .fetch(_, let attributes) = response { return attributes.body(section: "") }
                    return nil
                }
                #expect(bodies.count == messages.count, "\(name)")
                for (stored, original) in zip(bodies, messages) {
                    let normalized = String(decoding: original, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n")
                    #expect(stored == original || stored == Array(normalized.utf8), "\(name)")
                }
            }
            let listed = try await connection.execute(.list(pattern: "*", returnOptions: "SPECIAL-USE"))
            let names = listed.untagged.compactMap { response -> FolderPath? in
                if case .list(let entry) = response { return MailboxName.path(ofWireName: entry.name, delimiter: entry.delimiter) }
                return nil
            }
            #expect(names.contains(FolderPath(["Café & Bar"])))
            #expect(names.contains(FolderPath(["Archiv", "2024 Q1"])))
            #expect(names.contains(FolderPath(["日本語"])))
            await connection.close()
        }
    }
}
