/// Reads what the catalog keeps from the bytes of one calendar object resource
/// (RFC 5545, as CalDAV serves it) or one vCard (RFC 2426 3.0 / RFC 6350 4.0).
///
/// Lines are unfolded (CRLF or bare LF followed by a space or tab), parameters may be
/// quoted, TEXT values are unescaped, and bytes that are not UTF-8 are read as ISO
/// 8859-1 (and reported). Photos, logos, sounds, keys and attachments are skipped
/// without being decoded, so a 20 MB photo costs one scan of its bytes.
public enum DAVItemParser {
    /// Summarizes `bytes`; never throws: bytes that are neither iCalendar nor vCard
    /// give kind `.other` and the reasons in `problems`.
    public static func summarize(_ bytes: [UInt8]) -> DAVItemSummary {
        let lines = ContentLineReader.lines(bytes, skippingValues: ContentLineReader.bulkyProperties)
        var (components, problems) = Component.tree(lines)
        // Checked after unfolding: a fold may split a UTF-8 sequence.
        if !lines.allSatisfy({ ContentLine.isUTF8($0.raw) }) { problems.append("not UTF-8") }
        guard let first = components.first else {
            return DAVItemSummary(kind: .other, problems: problems + ["no BEGIN:VCALENDAR or BEGIN:VCARD"])
        }
        var summary: DAVItemSummary
        switch first.name {
        case "VCALENDAR": summary = CalendarObjectSummary.summarize(first)
        case "VCARD": summary = VCardSummary.summarize(first)
        default: return DAVItemSummary(kind: .other, problems: problems + ["BEGIN:\(first.name) is neither VCALENDAR nor VCARD"])
        }
        if components.count > 1 {
            problems.append("\(components.count) top-level components, only the first is summarized")
        }
        summary.problems = problems + summary.problems
        return summary
    }
}
