@testable import BrickIMAP
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
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.descriptor = descriptor
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        guard bound == 0, listen(descriptor, 8) == 0 else {
            close(descriptor)
            throw DovecotServer.ServerError(message: "cannot listen")
        }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        self.port = Int(UInt16(bigEndian: address.sin_port))
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
