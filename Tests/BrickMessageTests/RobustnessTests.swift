import BrickMessage
import Foundation
import Testing

/// A small deterministic generator (SplitMix64), so a failure can be replayed.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}

/// Byte strings that header parsing treats specially, to make random input nastier.
let nastyPieces: [[UInt8]] = [
    "=?", "?=", "?q?", "?B?", "=?utf-8?b?", "=?iso-2022-jp?b?GyRC", "\r\n", "\n", "\r\n ", "\n\t", ":", ";",
    ",", "<", ">", "(", ")", "\"", "\\", "@", "[", "]", "From: ", "To: ", "Cc: ", "Subject: ", "Date: ",
    "Message-ID: ", "+0100", "-", "Feb", "99:99:99", "\r\n\r\n", "=FF", "====", "\u{0}",
].map { Array($0.utf8) } + [[0xFF, 0xFE], [0xC3], [0xE2, 0x82], [0x80, 0x81]]

@Test("random bytes never crash the parsers", arguments: 0..<4)
func randomBytes(seed: UInt64) {
    var random = SplitMix64(state: seed)
    for _ in 0..<500 {
        var raw: [UInt8] = []
        let pieces = Int.random(in: 0..<80, using: &random)
        for _ in 0..<pieces {
            if Bool.random(using: &random) {
                raw.append(contentsOf: nastyPieces.randomElement(using: &random)!)
            } else {
                for _ in 0..<Int.random(in: 1..<12, using: &random) { raw.append(UInt8.random(in: 0...255, using: &random)) }
            }
        }
        let summary = MessageSummary(parsing: raw)
        _ = summary.subject?.count
        let text = String(decoding: raw, as: UTF8.self)
        _ = AddressParser.parse(text)
        _ = EncodedWords.decode(text)
        _ = MessageDate.parse(text)
    }
}

@Test("every prefix and one-byte corruption of a real header parses")
func mutatedMessage() {
    let original = crlf(
        """
        From: =?utf-8?q?J=C3=BCrgen?= <j@x.de>
        To: a@x.org, "B, b" <b@x.org>, Team: c@x.org;
        Subject: =?utf-8?B?w4RwZmVs?= and more
        Date: Mon, 3 Feb 2025 10:00:00 +0100 (CET)
        Message-ID: <abc@x.de>

        body
        """)
    for length in 0...original.count {
        _ = MessageSummary(parsing: Array(original.prefix(length)))
    }
    var random = SplitMix64(state: 42)
    for _ in 0..<2000 {
        var raw = original
        raw[Int.random(in: 0..<raw.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
        _ = MessageSummary(parsing: raw)
    }
}
