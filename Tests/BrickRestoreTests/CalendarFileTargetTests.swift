import BrickCore
import BrickRestore
import Foundation
import Testing
@testable import BrickCalendar

/// The bytes of `Fixtures/dav/NAME`.
private func davFixture(_ name: String) throws -> [UInt8] {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    return Array(try Data(contentsOf: root.appendingPathComponent("Fixtures/dav/\(name)")))
}

private let workEvents = [
    "thunderbird-weekly-exceptions.ics", "outlook-windows-tzid.ics", "google-daily-count.ics", "task-with-alarm.ics",
    "birthday-yearly-open.ics",
]
private let homeEvents = ["apple-allday-alarm.ics", "floating-time.ics", "rdate-extra-dates.ics", "journal-entry.ics"]
private let cards = ["apple-vcard3-photo.vcf", "vcard4-urn-uuid.vcf", "vcard3-no-fn.vcf"]

/// A store holding the calendar and contact fixtures as items: `Calendars/Work`,
/// `Calendars/Home` and `Contacts/Personal`, each item keyed by its file name.
private func calendarStore() throws -> ScratchStore {
    let scratch = try ScratchStore()
    for (folder, names) in [("Calendars/Work", workEvents), ("Calendars/Home", homeEvents), ("Contacts/Personal", cards)] {
        let items = try names.enumerated().map { index, name in
            SourceItem(key: ItemKey(name), flags: .none, internalDate: Date(timeIntervalSince1970: 1_780_000_000 + Double(index)),
                       raw: try davFixture(name))
        }
        try scratch.add(items, to: FolderPath(parsing: folder))
    }
    return scratch
}

/// The calendar objects of an .ics collection, one VCALENDAR each with the shared
/// VTIMEZONEs, as a client importing the file would see them.
private func objects(ofCollection bytes: [UInt8]) -> [[UInt8]] {
    let calendar = Component.tree(ContentLineReader.lines(bytes)).components[0]
    var uids: [String] = []
    for child in calendar.children { if let uid = child.property("UID")?.text, !uids.contains(uid) { uids.append(uid) } }
    return uids.map { uid in
        var single = Component(name: "VCALENDAR", properties: calendar.properties)
        single.children = calendar.children.filter { $0.name == "VTIMEZONE" || $0.property("UID")?.text == uid }
        var out: [UInt8] = []
        LineFolding.append(single, to: &out)
        return out
    }
}

/// Runs Debian's python3 with `script` and `path` as its argument; its standard output.
private func python(_ script: String, _ path: String) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
    process.arguments = ["-c", script, path]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let output = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    #expect(process.terminationStatus == 0, "python3 failed on \(path)")
    return String(decoding: output, as: UTF8.self)
}

@Suite("ics: and vcf: restore targets")
struct CalendarFileTargetTests {
    private func scratchDirectory() -> String {
        NSTemporaryDirectory() + "brick-ics-\(UUID().uuidString)"
    }

    @Test("One .ics per calendar folder: every object reads back with its summary, and Python's icalendar imports it")
    func icsCollections() async throws {
        let scratch = try calendarStore()
        let directory = scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let target = CalendarFileTarget(directory: directory, format: .ics, split: false)
        let report = try await scratch.restore(into: target, overwrite: false)
        // The three vCards fail alone: they cannot go into an .ics file.
        #expect(report.restored == workEvents.count + homeEvents.count)
        #expect(report.failures.count == cards.count)
        #expect(report.failures.allSatisfy { $0.contains("restore it with --to vcf:DIR") })
        for (file, names) in [("Calendars/Work.ics", workEvents), ("Calendars/Home.ics", homeEvents)] {
            let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: directory + "/" + file)))
            let restored = objects(ofCollection: bytes).map(DAVItemParser.summarize)
            let originals = try names.map { DAVItemParser.summarize(try davFixture($0)) }
            #expect(restored == originals, "\(file)")
            let count = try python(
                "import sys, icalendar; c = icalendar.Calendar.from_ical(open(sys.argv[1], 'rb').read()); "
                    + "print(len(set(str(x['UID']) for x in c.walk() if x.name in ('VEVENT', 'VTODO', 'VJOURNAL'))))",
                directory + "/" + file)
            #expect(count.trimmingCharacters(in: .whitespacesAndNewlines) == String(names.count))
        }
    }

    @Test("A second run adds nothing and leaves the files as they were")
    func secondRunAddsNothing() async throws {
        let scratch = try calendarStore()
        let directory = scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for format in [CalendarFileTarget.Format.ics, .vcf] {
            for split in [false, true] {
                let root = directory + "/\(format.rawValue)-\(split)"
                _ = try await scratch.restore(into: CalendarFileTarget(directory: root, format: format, split: split), overwrite: false)
                let before = try FileManager.default.subpathsOfDirectory(atPath: root).sorted().map {
                    ($0, try? Data(contentsOf: URL(fileURLWithPath: root + "/" + $0)))
                }
                let again = try await scratch.restore(into: CalendarFileTarget(directory: root, format: format, split: split), overwrite: false)
                #expect(again.restored == 0, "\(format) split \(split)")
                #expect(again.skippedDuplicates == (format == .ics ? workEvents.count + homeEvents.count : cards.count))
                let after = try FileManager.default.subpathsOfDirectory(atPath: root).sorted().map {
                    ($0, try? Data(contentsOf: URL(fileURLWithPath: root + "/" + $0)))
                }
                #expect(before.map(\.0) == after.map(\.0))
                #expect(before.map(\.1) == after.map(\.1))
            }
        }
    }

    @Test("With --split each item is its own file holding its bytes exactly")
    func splitKeepsBytes() async throws {
        let scratch = try calendarStore()
        let directory = scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        _ = try await scratch.restore(into: CalendarFileTarget(directory: directory, format: .ics, split: true), overwrite: false)
        _ = try await scratch.restore(into: CalendarFileTarget(directory: directory, format: .vcf, split: true), overwrite: false)
        for name in workEvents {
            #expect(Array(try Data(contentsOf: URL(fileURLWithPath: directory + "/Calendars/Work/" + name))) == (try davFixture(name)))
        }
        for name in cards {
            #expect(Array(try Data(contentsOf: URL(fileURLWithPath: directory + "/Contacts/Personal/" + name))) == (try davFixture(name)))
        }
    }

    @Test("One .vcf per address book: the cards concatenated, read back by Python's vobject")
    func vcfCollection() async throws {
        let scratch = try calendarStore()
        let directory = scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let report = try await scratch.restore(into: CalendarFileTarget(directory: directory, format: .vcf, split: false), overwrite: false)
        #expect(report.restored == cards.count)
        let file = directory + "/Contacts/Personal.vcf"
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: file)))
        var expected: [UInt8] = []
        for name in cards { expected += try davFixture(name) }
        #expect(bytes == expected)
        let names = try python("import sys, vobject; print('|'.join(sorted(c.fn.value for c in vobject.readComponents(open(sys.argv[1]).read()) if hasattr(c, 'fn'))))", file)
        #expect(names.trimmingCharacters(in: .whitespacesAndNewlines) == "Bjørn Øster|Smith, John (Dr.)")
    }

    @Test("Bytes that are not iCalendar fail in a collection and are kept byte for byte with --split")
    func invalidItems() async throws {
        let scratch = try ScratchStore()
        let broken = try davFixture("not-icalendar.ics")
        try scratch.add([SourceItem(key: ItemKey("bad.ics"), flags: .none, internalDate: Date(timeIntervalSince1970: 1_780_000_000), raw: broken)],
                        to: FolderPath(parsing: "Calendars/Work"))
        let directory = scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let collection = try await scratch.restore(into: CalendarFileTarget(directory: directory + "/c", format: .ics, split: false), overwrite: false)
        #expect(collection.restored == 0)
        #expect(collection.failures.count == 1 && collection.failures[0].contains("--split"))
        #expect(!FileManager.default.fileExists(atPath: directory + "/c/Calendars/Work.ics"))
        let split = try await scratch.restore(into: CalendarFileTarget(directory: directory + "/s", format: .ics, split: true), overwrite: false)
        #expect(split.restored == 1)
        #expect(Array(try Data(contentsOf: URL(fileURLWithPath: directory + "/s/Calendars/Work/bad.ics"))) == broken)
    }

    @Test("Hostile folder names and keys stay inside the directory, each in a place of its own")
    func hostileNames() async throws {
        let scratch = try ScratchStore()
        let event = try davFixture("floating-time.ics")
        let folders = [FolderPath([".."]), FolderPath(["Calendars", "a/b"]), FolderPath(["Calendars", String(repeating: "x", count: 300)]),
                       FolderPath(["Calendars", "Work.ics"]), FolderPath(["Calendars", "Work.ics", "Sub"]), FolderPath(["manifest.csv"])]
        for folder in folders {
            try scratch.add([SourceItem(key: ItemKey("../../evil.ics"), flags: .none, internalDate: Date(timeIntervalSince1970: 1_780_000_000), raw: event)], to: folder)
        }
        let directory = scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for split in [false, true] {
            let root = directory + "/\(split)"
            let report = try await scratch.restore(into: CalendarFileTarget(directory: root, format: .ics, split: split), overwrite: false)
            #expect(report.restored == folders.count && report.failures.isEmpty, "split \(split): \(report.failures)")
            let files = try FileManager.default.subpathsOfDirectory(atPath: root).filter { $0.hasSuffix(".ics") }
            #expect(files.count == folders.count, "split \(split): \(files)")
            #expect(files.allSatisfy { !$0.split(separator: "/").contains("..") && $0.split(separator: "/").allSatisfy { $0.utf8.count <= 255 } })
        }
        let siblings = try FileManager.default.contentsOfDirectory(atPath: directory)
        #expect(siblings.sorted() == ["false", "true"])
    }

    @Test("--overwrite is refused before anything is written")
    func overwriteRefused() async throws {
        let scratch = try calendarStore()
        let directory = scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        await #expect(throws: FileTargetError.self) {
            _ = try await scratch.restore(into: CalendarFileTarget(directory: directory, format: .ics, split: false), overwrite: true)
        }
        #expect(!FileManager.default.fileExists(atPath: directory))
    }
}
