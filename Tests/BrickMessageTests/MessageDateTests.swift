import BrickMessage
import Foundation
import Testing

/// A Date header value and the expected seconds since 1970 (nil: unreadable).
struct DateCase: CustomTestStringConvertible, Sendable {
    var input: String
    var expected: Int64?
    var testDescription: String { input }
}

/// 2025-02-03T09:00:00Z.
let feb3 = Int64(1_738_573_200)

let dateCases: [DateCase] = [
    DateCase(input: "Mon, 3 Feb 2025 10:00:00 +0100", expected: feb3),
    DateCase(input: "Mon, 03 Feb 2025 09:00:00 +0000", expected: feb3),
    DateCase(input: "3 Feb 2025 09:00:00 +0000", expected: feb3),
    DateCase(input: "Mon, 3 Feb 2025 09:00 +0000", expected: feb3),
    DateCase(input: "Mon, 3 Feb 2025 04:00:00 -0500", expected: feb3),
    DateCase(input: "Mon, 3 Feb 2025 04:00:00 EST", expected: feb3),
    DateCase(input: "Mon, 3 Feb 2025 01:00:00 PST", expected: feb3),
    DateCase(input: "Mon, 3 Feb 2025 02:00:00 PDT", expected: feb3),
    DateCase(input: "Mon, 3 Feb 2025 03:00:00 CST", expected: feb3),
    DateCase(input: "Mon, 3 Feb 2025 05:00:00 EDT", expected: feb3),
    DateCase(input: "Mon, 3 Feb 2025 09:00:00 GMT", expected: feb3),
    DateCase(input: "Mon, 3 Feb 2025 09:00:00 UT", expected: feb3),
    DateCase(input: "Mon, 3 Feb 2025 09:00:00 Z", expected: feb3),
    DateCase(input: "Mon, 3 Feb 2025 10:00:00 CET", expected: feb3),
    DateCase(input: "Mon, 3 Feb 2025 09:00:00 +0000 (UTC)", expected: feb3),
    DateCase(input: "Mon, 3 Feb 2025 10:00:00 +0100 (CET)", expected: feb3),
    DateCase(input: "  Mon ,  3   Feb   2025   09 : 00 : 00   +0000  ", expected: feb3),
    DateCase(input: "  Mon ,  3   Feb   2025   09:00:00   +0000  ", expected: feb3),
    DateCase(input: "(comment) Mon, 3 (x) Feb 2025 09:00:00 +0000", expected: feb3),
    DateCase(input: "Mon, 3 Feb 25 09:00:00 +0000", expected: feb3),
    DateCase(input: "Fri, 3 Feb 95 09:00:00 +0000", expected: 791_802_000),
    DateCase(input: "Fri, 3 Feb 095 09:00:00 +0000", expected: 791_802_000),
    DateCase(input: "Mon, 3-Feb-2025 09:00:00 +0000", expected: feb3),
    DateCase(input: "Mon Feb  3 09:00:00 2025", expected: feb3),
    DateCase(input: "2025-02-03 09:00:00", expected: feb3),
    DateCase(input: "3 February 2025 10:00:00 +01:00", expected: feb3),
    DateCase(input: "Mon, 3 Feb 2025 09:00:00 GMT+0000", expected: feb3),
    DateCase(input: "Mon, 3 Feb 2025", expected: feb3 - 9 * 3600),
    DateCase(input: "Mon, 3 Feb 2025 09:00:00 XYZ", expected: feb3),
    DateCase(input: "Mon, 3 Feb 2025 09:00:00 -0000", expected: feb3),
    DateCase(input: "Sat, 1 Jan 1970 00:00:00 +0000", expected: 0),
    DateCase(input: "Thu, 29 Feb 2024 12:00:00 +0000", expected: 1_709_208_000),
    DateCase(input: "Thu, 31 Dec 1998 23:59:60 +0000", expected: 915_148_800),
    DateCase(input: "Fri, 29 Feb 2025 12:00:00 +0000", expected: nil),
    DateCase(input: "Mon, 3 Foo 2025 09:00:00 +0000", expected: nil),
    DateCase(input: "Mon, 3 Feb 2025 25:00:00 +0000", expected: nil),
    DateCase(input: "Mon, 32 Feb 2025 09:00:00 +0000", expected: nil),
    DateCase(input: "yesterday", expected: nil),
    DateCase(input: "", expected: nil),
    DateCase(input: "Feb", expected: nil),
]

@Test("Date header values parse", arguments: dateCases)
func dates(_ testCase: DateCase) {
    #expect(MessageDate.parse(testCase.input).map { Int64($0.timeIntervalSince1970) } == testCase.expected)
}
