@testable import BrickIMAP
import NIOCore
import Testing

/// How `ResponseFramer` hands out literals: each in one array of its own, filled as
/// the bytes arrive and parsed without a copy.
@Suite("Response framer literals")
struct ResponseFramerTests {
    /// A body of `size` bytes of every value, NUL and CR LF included.
    private func body(_ size: Int) -> [UInt8] {
        (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 8) }
    }

    /// Feeds `stream` in reads whose sizes cycle through `sizes`; frames as it goes.
    private func frames(_ stream: [UInt8], readSizes sizes: [Int]) throws -> [ResponseFrame] {
        var framer = ResponseFramer()
        var frames: [ResponseFrame] = []
        var offset = 0
        var turn = 0
        while offset < stream.count {
            let end = min(stream.count, offset + sizes[turn % sizes.count])
            turn += 1
            framer.append(Array(stream[offset..<end]))
            offset = end
            while let frame = try framer.nextFrame() { frames.append(frame) }
        }
        #expect(framer.bufferedByteCount == 0)
        return frames
    }

    @Test("a literal split over many reads of odd sizes comes out whole, the responses around it intact")
    func literalSplitAcrossManyReads() throws {
        let message = body(300_001)
        let stream = Array("* 1 FETCH (UID 7 BODY[] {\(message.count)}\r\n".utf8) + message
            + Array(" FLAGS (\\Seen))\r\n* 2 FETCH (UID 8 FLAGS ())\r\na1 OK done\r\n".utf8)
        for sizes in [[1], [7, 4093, 1, 65_536], [65_536], [stream.count]] {
            let frames = try frames(stream, readSizes: sizes)
            #expect(frames.count == 3, "reads of \(sizes)")
            #expect(frames.flatMap(\.bytes) == stream, "reads of \(sizes)")
            let responses = try frames.map { try ResponseParser.parse($0) }
            #expect(responses.first == .untagged(.fetch(sequence: 1, attributes: [
                .uid(7), .body(section: "", origin: nil, data: message), .flags(["\\Seen"]),
            ])), "reads of \(sizes)")
        }
    }

    @Test("a 0-byte literal, alone and between two others, whatever the reads")
    func zeroByteLiteral() throws {
        let stream = Array("* 1 FETCH (BODY[HEADER] {0}\r\n BODY[] {3}\r\nabc BODY[TEXT] {0}\r\n)\r\n".utf8)
        for size in [1, 2, 5, stream.count] {
            let frames = try frames(stream, readSizes: [size])
            #expect(frames.count == 1)
            #expect(frames.first?.literals == [[], Array("abc".utf8), []], "reads of \(size)")
            #expect(frames.first?.bytes == stream, "reads of \(size)")
            #expect(try frames.first.map { try ResponseParser.parse($0) } == .untagged(.fetch(sequence: 1, attributes: [
                .body(section: "HEADER", origin: nil, data: []),
                .body(section: "", origin: nil, data: Array("abc".utf8)),
                .body(section: "TEXT", origin: nil, data: []),
            ])), "reads of \(size)")
        }
    }

    @Test("a multi-MB literal is one array that the parsed body shares, not a copy")
    func multiMegabyteLiteralIsNotCopied() throws {
        let message = body(5 << 20)
        let stream = Array("* 3 FETCH (BODY[] {\(message.count)}\r\n".utf8) + message + Array(")\r\n".utf8)
        let frame = try #require(try frames(stream, readSizes: [65_536, 1_000]).first)
        #expect(frame.literals.count == 1)
        let filled = frame.literals[0].withUnsafeBufferPointer { $0.baseAddress }
        guard case .untagged(.fetch(_, let attributes)) = try ResponseParser.parse(frame),
              let parsed = attributes.body(section: "")
        else {
            Issue.record("no body")
            return
        }
        #expect(parsed == message)
        #expect(parsed.withUnsafeBufferPointer { $0.baseAddress } == filled)
    }

    @Test("the bytes of an unfinished literal count as buffered, none lost or counted twice")
    func unfinishedLiteralBytesCountAsBuffered() throws {
        var framer = ResponseFramer()
        framer.append(Array("* 1 FETCH (BODY[] {3000000}\r\n".utf8))
        #expect(try framer.nextFrame() == nil)
        let chunk = [UInt8](repeating: 65, count: 100_000)
        for round in 1...10 {
            framer.append(chunk)
            #expect(try framer.nextFrame() == nil)
            #expect(framer.bufferedByteCount == 29 + round * chunk.count)
        }
    }

    @Test("an announcement beyond the largest literal fails at once, before any byte of it")
    func oversizedAnnouncementFails() {
        var framer = ResponseFramer()
        framer.append(Array("* 1 FETCH (BODY[] {9999999999}\r\n".utf8))
        #expect(throws: ParseError.self) { try framer.nextFrame() }
    }

    @Test("a literal's length that does not match the frame's literal is a parse error")
    func literalOfTheWrongLengthFails() throws {
        let text = ByteBuffer(string: "* 1 FETCH (BODY[] {4}\r\n)\r\n")
        let frame = ResponseFrame(text: text, literals: [Array("abc".utf8)], literalOffsets: [23])
        #expect(throws: ParseError.self) { try ResponseParser.parse(frame) }
    }
}
