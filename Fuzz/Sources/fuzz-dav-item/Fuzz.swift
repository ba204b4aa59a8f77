import BrickCalendar

/// libFuzzer entry: the input is a CalDAV or CardDAV resource as a server might send
/// it. It is summarized for the catalog (never a crash, whatever the bytes), written
/// into an .ics or .vcf collection when it holds components, and every line of the
/// .ics collection is at most 75 octets and ends in CRLF; the collection summarizes
/// again without a crash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDAVItem(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let raw = Array(UnsafeBufferPointer(start: data, count: size))
    let summary = DAVItemParser.summarize(raw)
    precondition(summary.kind != .other || !summary.problems.isEmpty, "kind other without a problem")
    var calendar = ICSCollectionWriter(calendarName: "fuzz")
    if (try? calendar.add(raw)) != nil {
        let bytes = calendar.bytes()
        var lineStart = 0
        for index in bytes.indices where bytes[index] == 0x0A {
            precondition(index > 0 && bytes[index - 1] == 0x0D, "a line without CR")
            precondition(index - 1 - lineStart <= 75, "a line longer than 75 octets")
            lineStart = index + 1
        }
        _ = DAVItemParser.summarize(bytes)
    }
    var cards = VCFCollectionWriter()
    if (try? cards.add(raw)) != nil { _ = DAVItemParser.summarize(cards.bytes()) }
    return 0
}
