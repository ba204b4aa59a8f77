/// From the start of the first to the end of the last occurrence of a calendar object
/// (RFC 5545 §3.8.5): DTSTART, the RRULEs' occurrences and the RDATEs, less the
/// EXDATEs, with each overridden occurrence (RECURRENCE-ID) where its override puts it.
///
/// An excluded or overridden DTSTART no longer starts the series, and an excluded last
/// occurrence no longer ends it. Where the span cannot be exact it is wider, never
/// narrower: a rule cut off by `RecurrenceExpansion.stepLimit` ends at its bound, and
/// an override with RANGE=THISANDFUTURE moves the end of every later occurrence by
/// its shift when that is later. An EXDATE or RECURRENCE-ID whose value type (DATE or
/// DATE-TIME) differs from DTSTART's excludes nothing.
struct OccurrenceSpan {
    /// The first occurrence's start, in seconds since 1970.
    var start: Int
    /// The last occurrence's end; nil for an open-ended series.
    var end: Int?

    /// The span of `master`, starting at `start` and lasting `duration` seconds each
    /// time, with its `overrides` and their lengths.
    init(
        master: Component, overrides: [(component: Component, length: Int, start: DateValue?)], start: DateValue, duration: Int,
        zones: inout ZoneResolver, problems: inout [String]
    ) {
        let startUTC = zones.utcSeconds(start)
        let exdates = master.properties("EXDATE").flatMap(OccurrenceSpan.values)
        let recurrenceIDs = overrides.map { $0.component.property("RECURRENCE-ID").flatMap(DateValue.init) }
        let removed = (exdates + recurrenceIDs.compactMap { $0 }).filter { $0.isDate == start.isDate }
        let excludedWall = Set(removed.map { OccurrenceSpan.wall(of: $0, like: start, zones: &zones) })
        let excludedUTC = Set(removed.map { zones.utcSeconds($0) })

        var instances: [(start: Int, end: Int)] = []
        if !excludedWall.contains(start.wallSeconds) { instances.append((startUTC, startUTC.saturatingAdding(duration))) }
        var openEnded = false
        var bound: Int?
        for line in master.properties("RRULE") {
            guard var rule = RecurrenceRule(line.rawText) else {
                problems.append("RRULE not understood")
                continue
            }
            if !rule.isBounded {
                openEnded = true
                rule.count = excludedWall.count + 1
            }
            let until = OccurrenceSpan.untilWall(rule, start: start, zones: &zones)
            let span = rule.span(from: start.wallSeconds, untilWall: until, excluded: excludedWall)
            for wall in [span.first, span.exact && !openEnded ? span.last : nil].compactMap({ $0 }) {
                let utc = zones.utcSeconds(start.at(wall))
                instances.append((utc, utc.saturatingAdding(duration)))
            }
            if !span.exact, let last = span.last {
                bound = max(bound ?? startUTC, zones.utcSeconds(start.at(last)).saturatingAdding(duration))
                if span.first == nil { instances.append((startUTC, startUTC)) }
            }
        }
        for line in master.properties("RDATE") {
            for rdate in OccurrenceSpan.rdates(line, duration: duration, zones: &zones) where !excludedUTC.contains(rdate.start) {
                instances.append(rdate)
            }
        }
        for (index, override) in overrides.enumerated() {
            let overrideStart = override.start.map { zones.utcSeconds($0) } ?? recurrenceIDs[index].map { zones.utcSeconds($0) }
            guard let overrideStart else { continue }
            instances.append((overrideStart, overrideStart.saturatingAdding(override.length)))
        }
        for (index, override) in overrides.enumerated()
        where override.component.property("RECURRENCE-ID")?.parameter("RANGE")?.uppercased() == "THISANDFUTURE" {
            guard let id = recurrenceIDs[index].map({ zones.utcSeconds($0) }), let moved = override.start.map({ zones.utcSeconds($0) }) else {
                continue
            }
            let later = instances.filter { $0.start > id }.map(\.end).max()
            if let later { bound = max(bound ?? later, later + max(0, moved - id) + max(0, override.length - duration)) }
        }
        if instances.isEmpty { instances.append((startUTC, startUTC.saturatingAdding(duration))) }
        self.start = instances.map(\.start).min() ?? startUTC
        let last = instances.map(\.end).max() ?? startUTC
        end = openEnded ? nil : max(last, bound ?? last)
    }

    /// The values of a date list property (EXDATE), with its TZID.
    private static func values(_ line: ContentLine) -> [DateValue] {
        let tzid = line.parameter("TZID")
        return line.rawText.split(separator: ",").compactMap { DateValue(Substring($0.trimmingSpaces), tzid: tzid) }
    }

    /// `value` as a wall time in the clock of `start`.
    private static func wall(of value: DateValue, like start: DateValue, zones: inout ZoneResolver) -> Int {
        if value.form == start.form || value.isDate { return value.wallSeconds }
        return zones.wallSeconds(utc: zones.utcSeconds(value), like: start)
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

    /// The occurrences an RDATE adds (DATE, DATE-TIME or PERIOD), start and end.
    private static func rdates(_ line: ContentLine, duration: Int, zones: inout ZoneResolver) -> [(start: Int, end: Int)] {
        let tzid = line.parameter("TZID")
        return line.rawText.split(separator: ",").compactMap { item in
            let parts = item.trimmingSpaces.split(separator: "/", maxSplits: 1)
            guard let first = parts.first, let start = DateValue(first, tzid: tzid) else { return nil }
            let utc = zones.utcSeconds(start)
            if parts.count == 2 {
                if let end = DateValue(parts[1], tzid: tzid) { return (utc, zones.utcSeconds(end)) }
                if let length = DurationValue.seconds(String(parts[1])) { return (utc, utc.saturatingAdding(length)) }
            }
            return (utc, utc.saturatingAdding(duration))
        }
    }
}
