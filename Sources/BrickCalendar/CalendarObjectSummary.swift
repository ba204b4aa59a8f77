import Foundation

/// The summary of a calendar object resource: its master VEVENT, VTODO or VJOURNAL
/// (the one without RECURRENCE-ID) and the overrides of single occurrences.
///
/// The start is that of the first occurrence and the end that of the last
/// (`OccurrenceSpan`); one occurrence lasts from DTSTART to DTEND, DUE (tasks), or
/// DTSTART plus DURATION (a DATE start without either lasts one day; a DATE-TIME
/// start, no time); an override lasts as its own properties say.
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
        let overrides = items.filter { $0.property("RECURRENCE-ID") != nil }.map { override in
            let overrideStart = override.property("DTSTART").flatMap(DateValue.init)
            let length = overrideStart.map { occurrenceLength(override, start: $0, zones: &zones, problems: &problems) } ?? 0
            return (component: override, length: length, start: overrideStart)
        }

        var end: Int?
        if let start {
            let duration = occurrenceLength(master, start: start, zones: &zones, problems: &problems)
            let span = OccurrenceSpan(master: master, overrides: overrides, start: start, duration: duration, zones: &zones, problems: &problems)
            summary.start = date(span.start)
            end = span.end
            summary.isOpenEnded = span.end == nil
        } else {
            if master.name == "VTODO", let due = master.property("DUE").flatMap(DateValue.init) { end = zones.utcSeconds(due) }
            for override in overrides {
                guard let overrideStart = override.start else { continue }
                let overrideEnd = zones.utcSeconds(overrideStart).saturatingAdding(override.length)
                end = max(end ?? overrideEnd, overrideEnd)
            }
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

    private static func date(_ seconds: Int) -> Date { Date(timeIntervalSince1970: Double(seconds)) }
}
