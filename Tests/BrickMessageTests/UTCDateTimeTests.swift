import BrickMessage
import Foundation
import Testing

@Test("UTC fields round trip through seconds since 1970")
func utcRoundTrip() {
    var random = SplitMix64(state: 7)
    for _ in 0..<2000 {
        let seconds = Int64.random(in: -2_208_988_800...253_402_300_799, using: &random)
        let fields = UTCDateTime(secondsSince1970: seconds)
        #expect(fields.secondsSince1970 == seconds)
        #expect(fields.month >= 1 && fields.month <= 12)
        #expect(fields.day >= 1 && fields.day <= UTCDateTime.daysInMonth(year: fields.year, month: fields.month))
    }
}

@Test("UTC fields of known moments")
func utcKnownMoments() {
    let epoch = UTCDateTime(secondsSince1970: 0)
    #expect(epoch == UTCDateTime(year: 1970, month: 1, day: 1))
    #expect(epoch.weekday == 4)
    let leap = UTCDateTime(Date(timeIntervalSince1970: 1_709_208_000.9))
    #expect(leap == UTCDateTime(year: 2024, month: 2, day: 29, hour: 12))
    #expect(leap.weekday == 4)
    #expect(UTCDateTime(secondsSince1970: -1) == UTCDateTime(year: 1969, month: 12, day: 31, hour: 23, minute: 59, second: 59))
    #expect(UTCDateTime(year: 2000, month: 3, day: 1).weekday == 3)
}
