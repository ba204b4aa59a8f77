@testable import BrickIMAP
import Foundation
import NIOCore
import Testing

/// One row of a parser table: bytes in, and what must come out.
struct ParseFixture: CustomTestStringConvertible, Sendable {
    enum Expected: Sendable {
        case success(Response)
        case incomplete
        case failure
    }

    let input: [UInt8]
    let expected: Expected

    init(_ text: String, _ expected: Expected) {
        self.input = Array(text.utf8)
        self.expected = expected
    }

    init(bytes: [UInt8], _ expected: Expected) {
        self.input = bytes
        self.expected = expected
    }

    var testDescription: String { String(decoding: input.prefix(60), as: UTF8.self) }
}

/// What the framer and parser made of some bytes.
enum ParseOutcome: Equatable {
    case success(Response)
    case incomplete
    case failure
}

/// Feeds `bytes` to a framer in chunks of `chunkSize` and parses the first frame.
/// Checks on the way that no frame appears before the last byte arrives.
func parseFirst(_ bytes: [UInt8], chunkSize: Int = .max) -> (ParseOutcome, earlyFrame: Bool) {
    var framer = ResponseFramer()
    var offset = 0
    var earlyFrame = false
    while offset < bytes.count {
        let end = min(bytes.count, offset + chunkSize)
        framer.append(Array(bytes[offset..<end]))
        offset = end
        do {
            if let frame = try framer.nextFrame() {
                if offset < bytes.count { earlyFrame = true }
                do {
                    return (.success(try ResponseParser.parse(frame)), earlyFrame)
                } catch {
                    return (.failure, earlyFrame)
                }
            }
        } catch {
            return (.failure, earlyFrame)
        }
    }
    return (.incomplete, earlyFrame)
}

/// Frames and parses every response in `bytes`.
func parseAll(_ bytes: [UInt8]) throws -> [Response] {
    var framer = ResponseFramer()
    framer.append(bytes)
    var responses: [Response] = []
    while let frame = try framer.nextFrame() {
        responses.append(try ResponseParser.parse(frame))
    }
    return responses
}

/// The repository's Fixtures/imap directory.
func fixtureURL(_ name: String) -> URL {
    URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/imap/\(name)")
}
