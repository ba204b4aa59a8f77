import BrickCore
import Testing

@Suite("CSV")
struct CSVTests {
    @Test("a cell a spreadsheet would run as a formula is prefixed with a quote and quoted", arguments: [
        ("=HYPERLINK(\"http://x\",\"y\")", "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""),
        ("+1+2", "\"'+1+2\""),
        ("-2+3", "\"'-2+3\""),
        ("@SUM(A1)", "\"'@SUM(A1)\""),
        ("\tcmd", "\"'\tcmd\""),
        ("\rcmd", "\"'\rcmd\""),
    ])
    func formulaIsNeutralised(value: String, expected: String) {
        #expect(CSV.field(value) == expected)
        #expect(CSV.records(Array(CSV.record([value]).utf8)) == [["'" + value]])
    }

    @Test("ordinary cells are unchanged, and a neutralised cell is not prefixed twice when written back")
    func ordinaryCellsUnchanged() {
        for value in ["Hello", "1700000123.M1P2.mx1", "2025-03-01T10:00:00+01:00", "a=b", "x-y", ""] {
            #expect(CSV.field(value) == value)
        }
        let once = CSV.records(Array(CSV.record(["=1+1"]).utf8))[0][0]
        #expect(CSV.records(Array(CSV.record([once]).utf8))[0][0] == once)
    }

    @Test("the line end is CRLF unless asked otherwise")
    func lineEnds() {
        #expect(CSV.record(["a", "b"]) == "a,b\r\n")
        #expect(CSV.record(["a", "b"], lineEnd: "\n") == "a,b\n")
    }
}
