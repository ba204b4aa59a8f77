@testable import BrickDAV
import Foundation
import Logging
import Testing

/// Turning certificate checking off is said out loud: each new TLS connection logs a
/// warning naming the host, as the IMAP client does.
@Suite struct DAVInsecureWarningTests {
    /// Keeps the warnings a logger was given.
    final class Warnings: @unchecked Sendable {
        private let lock = NSLock()
        private var kept: [(message: String, host: String?)] = []
        var all: [(message: String, host: String?)] { lock.withLock { kept } }
        func add(_ message: String, host: String?) { lock.withLock { kept.append((message, host)) } }
    }

    struct KeepingHandler: LogHandler {
        let warnings: Warnings
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            if event.level == .warning { warnings.add(event.message.description, host: event.metadata?["host"]?.description) }
        }
    }

    /// Connects to a closed port on loopback (the warning comes before the connection
    /// fails) and returns the warnings logged.
    func warnings(url: String, insecure: Bool) async throws -> [(message: String, host: String?)] {
        let warnings = Warnings()
        let logger = Logger(label: "test") { _ in KeepingHandler(warnings: warnings) }
        let endpoint = try DAVEndpoint(url: url, insecure: insecure, connectTimeout: 2)
        await #expect(throws: DAVError.self) {
            _ = try await HTTPConnection.connect(to: endpoint, bodyLimit: 1024, logger: logger)
        }
        return warnings.all
    }

    @Test func anUnverifiedTLSConnectionLogsAWarningWithTheHost() async throws {
        let logged = try await warnings(url: "https://127.0.0.1:1/dav/", insecure: true)
        #expect(logged.count == 1)
        #expect(logged.first?.message.contains("certificate verification is off") == true)
        #expect(logged.first?.host == "127.0.0.1")
    }

    @Test func verifiedOrPlainConnectionsLogNoWarning() async throws {
        #expect(try await warnings(url: "https://127.0.0.1:1/dav/", insecure: false).isEmpty)
        #expect(try await warnings(url: "http://127.0.0.1:1/dav/", insecure: true).isEmpty, "no TLS, no certificate to skip")
    }
}
