import Foundation

/// Reads what the catalog keeps from the bytes of one calendar object resource
/// (RFC 5545, as CalDAV serves it) or one vCard (RFC 2426 / RFC 6350).
public enum DAVItemParser {
    /// Summarizes `bytes`; never throws: bytes that are neither iCalendar nor vCard
    /// give kind `.other` and the reasons in `problems`.
    public static func summarize(_ bytes: [UInt8]) -> DAVItemSummary {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            return DAVItemSummary(kind: .other, problems: ["not UTF-8"])
        }
        var lines: [String] = []
        for raw in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            let line = raw.hasSuffix("\r") ? String(raw.dropLast()) : String(raw)
            if (line.hasPrefix(" ") || line.hasPrefix("\t")), !lines.isEmpty {
                lines[lines.count - 1] += line.dropFirst()
            } else if !line.isEmpty {
                lines.append(line)
            }
        }
        let first = lines.first?.uppercased() ?? ""
        var summary: DAVItemSummary
        var master: String
        if first == "BEGIN:VCALENDAR" {
            summary = DAVItemSummary(kind: .other)
            master = ""
        } else if first == "BEGIN:VCARD" {
            summary = DAVItemSummary(kind: .contact)
            master = "VCARD"
        } else {
            return DAVItemSummary(kind: .other, problems: ["neither iCalendar nor vCard"])
        }
        var depth: [String] = []
        var ended = false
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else {
                summary.problems.append("a line without a colon")
                continue
            }
            let head = line[..<colon]
            let name = head.split(separator: ";").first.map { $0.uppercased() } ?? ""
            let value = String(line[line.index(after: colon)...])
            if name == "BEGIN" {
                depth.append(value.uppercased())
                if master.isEmpty, ["VEVENT", "VTODO", "VJOURNAL"].contains(value.uppercased()) {
                    master = value.uppercased()
                    summary.kind = master == "VEVENT" ? .event : master == "VTODO" ? .task : .journal
                }
                continue
            }
            if name == "END" {
                if depth.popLast() != value.uppercased() { summary.problems.append("END:\(value) out of place") }
                if depth.isEmpty { ended = true }
                continue
            }
            guard depth.last == master, !master.isEmpty, !head.uppercased().contains("RECURRENCE-ID") else { continue }
            switch name {
            case "UID": summary.uid = summary.uid ?? value
            case "SUMMARY", "FN": summary.title = summary.title ?? unescape(value)
            case "DTSTART": summary.start = summary.start ?? date(value)
            case "DTEND", "DUE": summary.end = summary.end ?? date(value)
            case "RRULE":
                let upper = value.uppercased()
                if !upper.contains("UNTIL=") && !upper.contains("COUNT=") { summary.isOpenEnded = true }
            case "ORGANIZER": summary.addresses.insert(address(value), at: 0)
            case "ATTENDEE", "EMAIL": summary.addresses.append(address(value))
            default: break
            }
        }
        if !ended { summary.problems.append("not closed by END") }
        if summary.isOpenEnded { summary.end = nil }
        return summary
    }

    private static func address(_ value: String) -> String {
        let lower = value.lowercased()
        return lower.hasPrefix("mailto:") ? String(lower.dropFirst(7)) : lower
    }

    private static func unescape(_ value: String) -> String {
        value.replacingOccurrences(of: "\\n", with: "\n").replacingOccurrences(of: "\\N", with: "\n")
            .replacingOccurrences(of: "\\,", with: ",").replacingOccurrences(of: "\\;", with: ";")
            .replacingOccurrences(of: "\\\\", with: "\\")
    }

    private static func date(_ value: String) -> Date? {
        let digits = value.filter { $0.isNumber }
        guard digits.count >= 8 else { return nil }
        var components = DateComponents()
        components.timeZone = TimeZone(identifier: "UTC")
        let array = Array(digits)
        func number(_ range: Range<Int>) -> Int? { Int(String(array[range])) }
        components.year = number(0..<4)
        components.month = number(4..<6)
        components.day = number(6..<8)
        if array.count >= 14 {
            components.hour = number(8..<10)
            components.minute = number(10..<12)
            components.second = number(12..<14)
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar.date(from: components)
    }
}
