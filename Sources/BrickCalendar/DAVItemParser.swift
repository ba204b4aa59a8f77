/// Reads what the catalog keeps from the bytes of one calendar object resource
/// (RFC 5545, as CalDAV serves it) or one vCard (RFC 2426 / RFC 6350).
public enum DAVItemParser {
    /// Summarizes `bytes`; never throws: bytes that are neither iCalendar nor vCard
    /// give kind `.other` and the reasons in `problems`.
    public static func summarize(_ bytes: [UInt8]) -> DAVItemSummary {
        DAVItemSummary(kind: .other, problems: ["not parsed yet"])
    }
}
