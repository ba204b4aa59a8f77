import BrickMessage
import Testing

/// Encoded-word input and the decoded text expected.
struct EncodedWordCase: CustomTestStringConvertible, Sendable {
    var input: String
    var expected: String
    var testDescription: String { input }
}

let encodedWordCases: [EncodedWordCase] = [
    EncodedWordCase(input: "plain text", expected: "plain text"),
    EncodedWordCase(input: "=?ISO-8859-1?Q?Andr=E9?= Pirard", expected: "André Pirard"),
    EncodedWordCase(input: "=?iso-8859-1?q?this=20is=20some=20text?=", expected: "this is some text"),
    EncodedWordCase(input: "=?UTF-8?B?SGVsbG8gV29ybGQ=?=", expected: "Hello World"),
    EncodedWordCase(input: "=?UTF-8?B?SGVsbG8gV29ybGQ?=", expected: "Hello World"),
    // RFC 2047 §8 examples on white space between words.
    EncodedWordCase(input: "(=?ISO-8859-1?Q?a?= b)", expected: "(a b)"),
    EncodedWordCase(input: "=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?b?=", expected: "ab"),
    EncodedWordCase(input: "=?ISO-8859-1?Q?a?=  \t =?ISO-8859-1?Q?b?=", expected: "ab"),
    EncodedWordCase(input: "=?ISO-8859-1?Q?a_b?=", expected: "a b"),
    EncodedWordCase(input: "=?ISO-8859-1?Q?a?= =?ISO-8859-2?Q?_b?=", expected: "a b"),
    // A UTF-8 character split across two B words.
    EncodedWordCase(input: "=?UTF-8?B?w6Q=?= =?UTF-8?B?w7Y=?= x", expected: "äö x"),
    EncodedWordCase(input: "=?utf-8?q?=C3?= =?utf-8?q?=BC?=", expected: "ü"),
    EncodedWordCase(input: "Re:=?utf-8?q?caf=C3=A9?=", expected: "Re:café"),
    EncodedWordCase(input: "=?utf-8*en?q?hello?=", expected: "hello"),
    EncodedWordCase(input: "=?windows-1252?Q?=93quoted=94_=80?=", expected: "\u{201C}quoted\u{201D} €"),
    EncodedWordCase(input: "=?iso-8859-15?q?=A4?=", expected: "€"),
    EncodedWordCase(input: "=?iso-8859-2?q?=B1?=", expected: "ą"),
    EncodedWordCase(input: "=?windows-1251?B?z/Do4uXy?=", expected: "Привет"),
    EncodedWordCase(input: "=?KOI8-R?B?8NLJ18XU?=", expected: "Привет"),
    EncodedWordCase(input: "=?GB2312?B?xOO6ww==?=", expected: "你好"),
    EncodedWordCase(input: "=?gbk?B?xOO6ww==?=", expected: "你好"),
    EncodedWordCase(input: "=?Big5?B?p0Gmbg==?=", expected: "你好"),
    EncodedWordCase(input: "=?Shift_JIS?B?grGC8YLJgr+CzQ==?=", expected: "こんにちは"),
    EncodedWordCase(input: "=?EUC-JP?B?pLOk86TLpMGkzw==?=", expected: "こんにちは"),
    EncodedWordCase(input: "=?ISO-2022-JP?B?GyRCJDMkcyRLJEEkTxsoQg==?=", expected: "こんにちは"),
    EncodedWordCase(input: "=?us-ascii?q?plain?=", expected: "plain"),
    // Unknown charset, bad encoding letter, unterminated words: kept raw.
    EncodedWordCase(input: "=?x-no-such-charset?q?abc?=", expected: "=?x-no-such-charset?q?abc?="),
    EncodedWordCase(input: "=?utf-8?x?abc?=", expected: "=?utf-8?x?abc?="),
    EncodedWordCase(input: "=?utf-8?q?abc", expected: "=?utf-8?q?abc"),
    EncodedWordCase(input: "=?utf-8?q?a b?=", expected: "=?utf-8?q?a b?="),
    EncodedWordCase(input: "=?", expected: "=?"),
    EncodedWordCase(input: "a =?utf-8?q?b?= c", expected: "a b c"),
]

@Test("RFC 2047 encoded words decode", arguments: encodedWordCases)
func encodedWords(_ testCase: EncodedWordCase) {
    #expect(EncodedWords.decode(testCase.input) == testCase.expected)
}
