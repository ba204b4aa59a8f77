@testable import BrickCommands
import Testing

@Suite("table rows")
struct TableRowTests {
    @Test("purge rows pad every column by character count, so the header and the rows line up")
    func purgeColumnsLineUp() {
        let header = PurgeCommand.row(["USER", "ITEMS", "BYTES", "FOLDERS", "SIZE BEFORE", "SIZE AFTER"])
        let row = PurgeCommand.row(["zoë", "12", "1.5 MB", "3", "581.6 kB", "(dry run)"])
        #expect(header == "USER                     ITEMS      BYTES  FOLDERS  SIZE BEFORE   SIZE AFTER\n")
        #expect(row == "zoë                         12     1.5 MB        3     581.6 kB    (dry run)\n")
        #expect(header.count == row.count)
    }

    @Test("a cell wider than its column is kept whole, and left-aligned columns pad on the right")
    func wideCellsAndAlignment() {
        #expect(TableRow.format(["a-very-long-user-name", "1"], widths: [5, 3]) == "a-very-long-user-name   1")
        #expect(TableRow.format(["x", "full", "2"], widths: [2, 6, 2], leftAligned: [0, 1]) == "x  full    2")
    }
}
