import Foundation

/// The summary of a calendar object resource: its master VEVENT, VTODO or VJOURNAL
/// (the one without RECURRENCE-ID) and the overrides of single occurrences.
///
/// The end is that of the last occurrence: DTEND, DUE (tasks), or DTSTART plus
/// DURATION (a DATE start without either lasts one day; a DATE-TIME start, no time);
/// for a recurring master the RRULE's last occurrence (see
/// `RecurrenceRule.lastStart`), later RDATEs and the overrides, whichever ends last.
enum CalendarObjectSummary {
    private static let kinds: [String: DAVItemKind] = ["VEVENT": .event, "VTODO": .task, "VJOURNAL": .journal]

    /// Summarizes one VCALENDAR component.
    static func summarize(_ calendar: Component) -> DAVItemSummary {
        var problems: [String] = []
        if calendar.property("VERSION") == nil { problems.append("VCALENDAR without VERSION") }
        let items = calendar.children.filter { kinds[$0.name] != nil }
        guard !items.isEmpty else {
            return DAVItemSummary(kind: .other, problems: problems + ["no VEVENT, VTODO or VJOURNAL"])
        }
        let master = items.first { $0.property("RECURRENCE-ID") == nil } ?? items[0]
        var zones = ZoneResolver(timeZones: calendar.children.filter { $0.name == "VTIMEZONE" })
        var summary = DAVItemSummary(kind: kinds[master.name] ?? .other)
        summary.uid = master.property("UID")?.text.trimmingSpaces
        if summary.uid?.isEmpty ?? true {
            summary.uid = nil
            problems.append("\(master.name) without UID")
        }
        if Set(items.compactMap { $0.property("UID")?.text.trimmingSpaces }).count > 1 {
            problems.append("more than one UID in one calendar object")
        }
        if let title = master.property("SUMMARY")?.text, !title.isEmpty { summary.title = title }
        summary.addresses = addresses(of: master)

        let start = master.property("DTSTART").flatMap(DateValue.init)
        if master.property("DTSTART") != nil && start == nil { problems.append("DTSTART is not a date") }
        if start == nil && master.name == "VEVENT" && master.property("RECURRENCE-ID") == nil {
            problems.append("VEVENT without DTSTART")
        }
        if let start { summary.start = date(zones.utcSeconds(start)) }

        var end: Int?
        if let start {
            let duration = occurrenceLength(master, start: start, zones: &zones, problems: &problems)
            end = zones.utcSeconds(start).saturatingAdding(duration)
            if let ruleLine = master.property("RRULE") {
                if let rule = RecurrenceRule(ruleLine.rawText) {
                    if rule.isBounded {
                        let last = rule.lastStart(from: start, untilWall: untilWall(rule, start: start, zones: &zones))
                        end = zones.utcSeconds(start.at(last.wall)).saturatingAdding(duration)
                    } else {
                        summary.isOpenEnded = true
                    }
                } else {
                    problems.append("RRULE not understood")
                }
            }
            for rdate in master.properties("RDATE") {
                for value in rdateEnds(rdate, duration: duration, zones: &zones) { end = max(end ?? value, value) }
            }
        } else if master.name == "VTODO", let due = master.property("DUE").flatMap(DateValue.init) {
            end = zones.utcSeconds(due)
        }
        for override in items where override.property("RECURRENCE-ID") != nil {
            guard let overrideStart = override.property("DTSTART").flatMap(DateValue.init) else { continue }
            let length = occurrenceLength(override, start: overrideStart, zones: &zones, problems: &problems)
            let overrideEnd = zones.utcSeconds(overrideStart).saturatingAdding(length)
            end = max(end ?? overrideEnd, overrideEnd)
        }
        if !summary.isOpenEnded { summary.end = end.map { date(CalendarTime.clamped($0)) } }
        for tzid in zones.unknown.sorted() { problems.append("unknown time zone \(tzid), read as UTC") }
        summary.problems = problems
        return summary
    }

    /// ORGANIZER first, then ATTENDEEs, as lower-case addresses without `mailto:`.
    private static func addresses(of component: Component) -> [String] {
        var addresses: [String] = []
        for line in component.properties("ORGANIZER") + component.properties("ATTENDEE") {
            var address = line.rawText.trimmingSpaces
            if address.lowercased().hasPrefix("mailto:") {
                address.removeFirst(7)
            } else if let email = line.parameter("EMAIL") {
                address = email
            } else {
                continue
            }
            address = address.lowercased()
            if !address.isEmpty && !addresses.contains(address) { addresses.append(address) }
        }
        return addresses
    }

    /// How long one occurrence lasts, in seconds.
    private static func occurrenceLength(
        _ component: Component, start: DateValue, zones: inout ZoneResolver, problems: inout [String]
    ) -> Int {
        let endProperty = component.property(component.name == "VTODO" ? "DUE" : "DTEND")
        if let endProperty {
            if let end = DateValue(endProperty) { return max(0, zones.utcSeconds(end) - zones.utcSeconds(start)) }
            problems.append("\(endProperty.name) is not a date")
        }
        if let duration = component.property("DURATION") {
            if let seconds = DurationValue.seconds(duration.rawText) { return max(0, seconds) }
            problems.append("DURATION not understood")
        }
        return start.isDate && component.name == "VEVENT" ? 86_400 : 0
    }

    /// UNTIL in the wall clock of `start`: a UTC UNTIL converted to the start's zone,
    /// a DATE UNTIL as the end of that day.
    private static func untilWall(_ rule: RecurrenceRule, start: DateValue, zones: inout ZoneResolver) -> Int? {
        guard let until = rule.until else { return nil }
        switch until.form {
        case .date: return until.wallSeconds + (start.isDate ? 0 : 86_399)
        case .utc: return zones.wallSeconds(utc: until.wallSeconds, like: start)
        default: return until.wallSeconds
        }
    }

    /// The end instants of the occurrences an RDATE adds (DATE, DATE-TIME or PERIOD).
    private static func rdateEnds(_ line: ContentLine, duration: Int, zones: inout ZoneResolver) -> [Int] {
        let tzid = line.parameter("TZID")
        return line.rawText.split(separator: ",").compactMap { item in
            let parts = item.trimmingSpaces.split(separator: "/", maxSplits: 1)
            guard let first = parts.first, let start = DateValue(first, tzid: tzid) else { return nil }
            if parts.count == 2 {
                if let end = DateValue(parts[1], tzid: tzid) { return zones.utcSeconds(end) }
                if let length = DurationValue.seconds(String(parts[1])) { return zones.utcSeconds(start) + length }
            }
            return zones.utcSeconds(start).saturatingAdding(duration)
        }
    }

    private static func date(_ seconds: Int) -> Date { Date(timeIntervalSince1970: Double(seconds)) }
}
