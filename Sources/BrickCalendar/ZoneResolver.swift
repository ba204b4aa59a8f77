import Foundation

/// Turns wall times into instants, zone by zone, for one calendar object.
///
/// A TZID is read, in this order, as an IANA name Foundation knows (also after a
/// `/mozilla.org/…/` or other path prefix: its last two components), then with the
/// object's own VTIMEZONE of that TZID; a TZID known to neither is read as UTC and
/// reported. DATE and floating values are read as UTC, as the catalog wants them.
struct ZoneResolver {
    private var definitions: [String: VTimeZone] = [:]
    private var zones: [String: TimeZone?] = [:]
    /// TZIDs that could not be resolved.
    private(set) var unknown: Set<String> = []

    /// A resolver for an object with these VTIMEZONE components.
    init(timeZones: [Component]) {
        for component in timeZones {
            if let tzid = component.property("TZID")?.rawText.trimmingSpaces, let zone = VTimeZone(component),
                definitions[tzid] == nil
            {
                definitions[tzid] = zone
            }
        }
    }

    /// The instant of `value`, in seconds since 1970.
    mutating func utcSeconds(_ value: DateValue) -> Int {
        guard case .zoned(let tzid) = value.form else { return value.wallSeconds }
        if let zone = foundationZone(tzid) {
            var guess = value.wallSeconds - zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(value.wallSeconds)))
            guess = value.wallSeconds - zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(guess)))
            return guess
        }
        if let definition = definitions[tzid] {
            return value.wallSeconds - definition.offset(atWall: value.wallSeconds)
        }
        unknown.insert(tzid)
        return value.wallSeconds
    }

    /// The wall time in the zone of `like` of the instant `utc` (for comparing a UTC
    /// UNTIL with wall times).
    mutating func wallSeconds(utc: Int, like value: DateValue) -> Int {
        guard case .zoned(let tzid) = value.form else { return utc }
        if let zone = foundationZone(tzid) {
            return utc + zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(utc)))
        }
        if let definition = definitions[tzid] {
            let first = utc + definition.offset(atWall: utc)
            return utc + definition.offset(atWall: first)
        }
        return utc
    }

    private mutating func foundationZone(_ tzid: String) -> TimeZone? {
        if let cached = zones[tzid] { return cached }
        var zone = KnownZones.shared.zone(tzid)
        if zone == nil && tzid.contains("/") {
            let parts = tzid.split(separator: "/")
            if parts.count >= 2 { zone = KnownZones.shared.zone(parts.suffix(2).joined(separator: "/")) }
        }
        // Foundation accepts abbreviations and offsets ("GMT+1") only as identifiers
        // it knows; an identifier of a VTIMEZONE defined in the object wins over a
        // Foundation abbreviation of the same name.
        if zone != nil && definitions[tzid] != nil && !tzid.contains("/") { zone = nil }
        zones[tzid] = zone
        return zone
    }
}

/// Foundation's time zones by identifier, looked up once per process: reading a zone
/// from the system's database for every calendar object would cost more than the
/// rest of its summary.
final class KnownZones: @unchecked Sendable {
    /// The process-wide cache.
    static let shared = KnownZones()
    private let lock = NSLock()
    private var zones: [String: TimeZone?] = [:]

    /// The zone called `identifier`, or nil when Foundation does not know it.
    func zone(_ identifier: String) -> TimeZone? {
        lock.withLock {
            if let known = zones[identifier] { return known }
            let zone = zones.count < 1000 ? TimeZone(identifier: identifier) : nil
            if zones.count < 1000 { zones[identifier] = zone }
            return zone ?? TimeZone(identifier: identifier)
        }
    }
}
