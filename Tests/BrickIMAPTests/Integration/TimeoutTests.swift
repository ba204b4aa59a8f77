@testable import BrickIMAP
import BrickTestSupport
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A listening socket on 127.0.0.1 that never accepts: connections complete in the
/// kernel's backlog and then hear nothing.
private final class SilentListener {
    let descriptor: Int32
    let port: Int

    init() throws {
        (descriptor, port) = try LoopbackListener.open(backlog: 8)
    }

    deinit { close(descriptor) }
}

@Suite("Timeouts")
struct TimeoutTests {
    @Test("a server that never greets fails the connection with timedOut after the read timeout")
    func silentServerTimesOut() async throws {
        let listener = try SilentListener()
        let endpoint = IMAPEndpoint(host: "127.0.0.1", port: listener.port, tls: .never, connectTimeout: 2, readTimeout: 1)
        do {
            _ = try await IMAPConnection.connect(to: endpoint, logger: testLogger)
            Issue.record("connected to a silent server")
        } catch {
            guard case .timedOut = error else {
                Issue.record("unexpected \(error)")
                return
            }
        }
        withExtendedLifetime(listener) {}
    }
}
