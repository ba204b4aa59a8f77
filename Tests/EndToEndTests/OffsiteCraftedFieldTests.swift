@testable import BrickOffsite
import BrickBundle
import BrickCore
import BrickRestore
import BrickStore
import Foundation
import Testing

/// A bundle's records (rows, holds, settings, tombstones, item changes) may hold any value in any
/// field, right checksums and all: each is applied or refused with an error, never a
/// trap, and a replica that took it still opens and verifies without one.
@Suite struct OffsiteCraftedFieldTests {
    /// Edits that set the field at a tag of `kind` to an extreme value, one per value,
    /// and one that leaves the field out (a NULL column).
    static func extremes(_ kind: OffsiteColumn.Kind) -> [(inout BundleFields, UInt16) -> Void] {
        let absent: (inout BundleFields, UInt16) -> Void = { fields, tag in fields.set(tag, nil as Int64?) }
        return switch kind {
        case .integer: [Int64.min, -1, Int64.max].map { number in { fields, tag in fields.set(tag, number) } } + [absent]
        case .text: ["", "../../x", "\u{1}\n"].map { text in { fields, tag in fields.set(tag, text) } } + [absent]
        case .bytes: [[UInt8](), [0xFF, 0xFE, 0xFD]].map { bytes in { fields, tag in fields.set(tag, bytes: bytes) } } + [absent]
        }
    }

    /// Imports `bundles` in turn into a new replica at `root`, in this process (a trap
    /// would end the test run); when the last was applied, reads the replica back the
    /// ways the tools do. True when the last bundle was applied.
    static func importAndRead(_ bundles: [[UInt8]], into root: URL) throws -> Bool {
        let importer = BundleImporter(root: root, options: ImportOptions())
        for bundle in bundles {
            guard let report = try? importer.importNext(from: BundleMemoryInput(bundle), label: "crafted"),
                  case .applied = report.outcome
            else { return false }
        }
        let replica = try UserStore(layout: StoreLayout(root: root, user: "alice"), mode: .readOnly)
        _ = try? replica.verify()
        _ = try? replica.folders(includeDeleted: true)
        var everything = ItemQuery()
        everything.deleted = .yes
        _ = try? replica.items(matching: everything)
        _ = try? replica.runs()
        _ = try? replica.holds()
        _ = try? replica.settings()
        _ = try? replica.settingVersions()
        return true
    }

    /// A record type to edit, the fields edited, and the bundle it is in: the full one,
    /// or the incremental one (imported after the full one it follows).
    struct Case {
        var type: UInt16
        var columns: [OffsiteColumn]
        var inIncremental = false
    }

    /// What `craft` did: bundles imported, bundles applied, record types met.
    struct Outcome {
        var attempts = 0, applied = 0
        var present: Set<UInt16> = []
    }

    /// For each case, column and extreme value, rewrites the records of the case's type
    /// that `edits` picks with that value in that field, imports the result into a new
    /// replica under `work`, and hands each replica that took it to `took`.
    static func craft(
        _ cases: [Case], full: [UInt8], incremental: [UInt8] = [], under work: URL,
        edits: (UInt16, BundleFields) -> Bool = { _, _ in true }, took: (URL) async throws -> Void = { _ in }
    ) async throws -> Outcome {
        var outcome = Outcome()
        for test in cases {
            for column in test.columns {
                for edit in extremes(column.kind) {
                    let crafted = try OffsiteCraftedBundleTests.rewriting(test.inIncremental ? incremental : full) { type, fields in
                        guard type == test.type, edits(type, fields) else { return }
                        edit(&fields, column.tag)
                        outcome.present.insert(type)
                    }
                    outcome.attempts += 1
                    let root = work.appendingPathComponent("replica-\(outcome.attempts)")
                    guard try importAndRead(test.inIncremental ? [full, crafted] : [crafted], into: root) else { continue }
                    outcome.applied += 1
                    try await took(root)
                }
            }
        }
        return outcome
    }

    /// The full and the incremental bundle of alice, the two the site exported.
    static func twoBundles(_ site: OffsiteWorkspace) throws -> (full: [UInt8], incremental: [UInt8]) {
        let files = try site.bundleFiles("alice")
        try #require(files.count == 2)
        return ([UInt8](try Data(contentsOf: files[0])), [UInt8](try Data(contentsOf: files[1])))
    }

    @Test func extremeValuesInAnyFieldOfTheRowRecordsAreAppliedOrRefusedNeverATrap() async throws {
        let site = OffsiteWorkspace(work: try Workspace())
        let (_, bytes) = try site.firstExportedBundle()
        let cases = [Case(type: 1, columns: OffsiteColumns.folders), Case(type: 2, columns: OffsiteColumns.items), Case(type: 6, columns: OffsiteColumns.runs)]
        let outcome = try await Self.craft(cases, full: bytes, under: site.work.url)
        #expect(outcome.attempts > 200)
        #expect(outcome.applied > 0 && outcome.applied < outcome.attempts, "some values are taken, some refused: \(outcome.applied) of \(outcome.attempts) applied")
        let outside = try FileManager.default.contentsOfDirectory(atPath: site.work.url.path).filter { $0 == "x" }
        #expect(outside.isEmpty, "no text field became a path outside a replica")
    }

    @Test func extremeValuesInHoldsTombstonesAndItemChangesAreAppliedOrRefusedNeverATrap() async throws {
        let site = OffsiteWorkspace(work: try Workspace())
        let mail = MaildirChanges(root: site.work.maildir("alice"))
        try site.backup()
        let held = try Tools.run("brick-backup", [
            "hold", "add", "alice", "--reason", "case 1", "--sender", "@nowhere.invalid", "--until", "2099-12-31", "--store", site.work.store.path,
        ])
        #expect(held.status == 0, "\(held.stderr)")
        try site.export()
        let inbox = try mail.messages()
        try mail.setFlags(inbox[0], "FS")
        try mail.remove(inbox[1])
        try mail.removeFolder(".Drafts")
        try site.backup()
        try site.purge()
        try site.export()
        let (full, incremental) = try Self.twoBundles(site)

        // Type 9 (hold) is in the full bundle; 4, 5 and 10 (tombstones, item changes) in the next.
        let purgeTags: [OffsiteColumn] = [
            OffsiteColumn(name: "run", tag: PurgeTag.run, kind: .integer), OffsiteColumn(name: "folder", tag: PurgeTag.folder, kind: .integer),
            OffsiteColumn(name: "key", tag: PurgeTag.key, kind: .text),
        ]
        let cases = [
            Case(type: 9, columns: OffsiteColumns.holds), Case(type: 4, columns: purgeTags, inIncremental: true),
            Case(type: 5, columns: Array(purgeTags.prefix(2)), inIncremental: true), Case(type: 10, columns: OffsiteColumns.itemChange, inIncremental: true),
        ]
        let outcome = try await Self.craft(cases, full: full, incremental: incremental, under: site.work.url)
        #expect(outcome.present == [4, 5, 9, 10], "the bundles hold every record type edited")
        #expect(outcome.applied > 0 && outcome.applied < outcome.attempts, "some values are taken, some refused: \(outcome.applied) of \(outcome.attempts) applied")
    }

    /// Records settings of every kind in alice's store as one backup run would: the
    /// second version changes the script, moves the active mark and drops the ACL.
    static func recordSettings(in store: URL, version: Int) throws {
        let user = try UserStore(layout: StoreLayout(root: store, user: "alice"), user: "alice", mode: .readWrite)
        var snapshot = SettingsSnapshot()
        snapshot.scopes = Set(SettingKind.allCases.map { SettingScope(kind: $0) })
        snapshot.settings = [
            MailSetting(kind: .sieve, name: "filters", content: Array("# version \(version)\n".utf8)),
            MailSetting(kind: .sieve, name: MailSetting.activeScriptName, content: Array((version == 1 ? "filters" : "none").utf8)),
            MailSetting(kind: .subscriptions, name: "Archive/2025", content: []),
            MailSetting(kind: .metadata, folder: .inbox, name: "/private/comment", content: [0xFF, 0x00]),
        ] + (version == 1 ? [MailSetting(kind: .acl, folder: .inbox, name: "bob", content: Array("lr".utf8))] : [])
        let run = try user.beginRun(kind: "backup", source: "settings")
        _ = try user.recordSettings(snapshot, run: run)
        try user.finishRun(run, totals: RunTotals(), status: "ok")
    }

    @Test func extremeValuesInSettingRecordsAreAppliedOrRefusedNeverATrapAndRestoreKeepsThemInItsDirectory() async throws {
        let site = OffsiteWorkspace(work: try Workspace())
        try site.backup()
        try Self.recordSettings(in: site.work.store, version: 1)
        try site.export()
        try Self.recordSettings(in: site.work.store, version: 2)
        try site.purge()
        try site.export()
        let (full, incremental) = try Self.twoBundles(site)

        // Type 7 (setting rows) is in both bundles; 8 (a setting version purged) in the second.
        let purged = [
            OffsiteColumn(name: "run", tag: PurgedSettingTag.run, kind: .integer),
            OffsiteColumn(name: "setting", tag: PurgedSettingTag.setting, kind: .integer),
        ]
        let cases = [
            Case(type: 7, columns: OffsiteColumns.settings), Case(type: 7, columns: OffsiteColumns.settings, inIncremental: true),
            Case(type: 8, columns: purged, inIncremental: true),
        ]
        // Of the setting rows, only the script "filters" is edited: the same name on two
        // live settings of a kind would be refused for that alone.
        let nameTag = try #require(OffsiteColumns.settings.first { $0.name == "name" }).tag
        var restoredCraftedName = false
        let outcome = try await Self.craft(
            cases, full: full, incremental: incremental, under: site.work.url,
            edits: { type, fields in type == 8 || (try? fields.string(nameTag)) == "filters" }
        ) { root in
            // What a replica took, a restore writes inside its settings directory.
            let replica = try UserStore(layout: StoreLayout(root: root, user: "alice"), mode: .readOnly)
            let settings = try replica.settings().map(\.setting)
            let report = try? await SettingsFiles(base: root.appendingPathComponent("restored").path, name: SettingsFiles.directoryName)
                .writeSettings(settings, overwrite: true)
            restoredCraftedName = restoredCraftedName || (report?.written.contains { $0.kind == .sieve && $0.name == "../../x" } ?? false)
        }
        #expect(outcome.present == [7, 8], "the bundles hold every record type edited")
        #expect(outcome.applied > 0 && outcome.applied < outcome.attempts, "some values are taken, some refused: \(outcome.applied) of \(outcome.attempts) applied")
        #expect(restoredCraftedName, "a script named \"../../x\" was applied and written by a restore")
        // A name "../../x" would make a file "x" or "x.sieve" above the script directory.
        let strays = (FileManager.default.enumerator(atPath: site.work.url.path)?.allObjects as? [String] ?? [])
            .filter { ($0 as NSString).lastPathComponent.hasPrefix("x") && !$0.contains("/\(SettingsFiles.directoryName)/sieve/") }
        #expect(strays.isEmpty, "no setting name became a path outside the restore's script directory: \(strays)")
    }
}
