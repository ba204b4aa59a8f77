@testable import BrickRestore
import Testing

/// Quoting a large message piece by piece writes what quoting it whole writes.
@Suite struct MboxQuoterTests {
    func quotedInPieces(_ raw: [UInt8], piece: Int) -> [UInt8] {
        var quoter = MboxQuoter()
        var output: [UInt8] = []
        var start = 0
        while start < raw.count {
            raw[start..<min(start + piece, raw.count)].withUnsafeBytes { quoter.quote($0, into: &output) }
            start += piece
        }
        quoter.finish(into: &output)
        return output
    }

    func quotedWhole(_ raw: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        MboxFormat.appendQuoted(raw, to: &output)
        return output
    }

    @Test(arguments: [1, 2, 3, 5, 64])
    func quotingInPiecesEqualsQuotingWhole(piece: Int) {
        let cases = [
            "", "From ", "From x\n", ">From x\r\n", ">>>From \nbody\n", "From", "Fro\nFrom \r\n", "a\r\rb\r\n\r",
            ">\r>From \n", ">Fr>From \n", "x\nFrom \r", "\r\n\r\n", ">>>>", "From \r\nFrom\r\n>From", "line\r",
        ].map { Array($0.utf8) }
        for raw in cases {
            #expect(quotedInPieces(raw, piece: piece) == quotedWhole(raw), "\(String(decoding: raw, as: UTF8.self).debugDescription)")
        }
        var state: UInt32 = UInt32(piece)
        let alphabet = Array(">From \r\nx".utf8)
        for _ in 0..<300 {
            state = state &* 1_664_525 &+ 1_013_904_223
            let raw: [UInt8] = (0..<Int(state >> 16) % 41).map { _ in
                state = state &* 1_664_525 &+ 1_013_904_223
                return alphabet[Int(state >> 16) % alphabet.count]
            }
            #expect(quotedInPieces(raw, piece: piece) == quotedWhole(raw), "\(String(decoding: raw, as: UTF8.self).debugDescription)")
        }
    }
}
