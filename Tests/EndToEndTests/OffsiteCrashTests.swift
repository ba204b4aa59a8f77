import Foundation
import Testing

/// `export` and `import` killed with SIGKILL at random instants (up to 1.2 times the
/// longest full run so far): each is run again to completion, and after every round the
/// replica equals the primary and verifies. A folder moves between parents every round,
/// so kills also land in the relocation of its item file on the replica.
/// `BRICK_OFFSITE_KILLS` rounds (6 by default), `BRICK_CRASH_SEED` replays a run.
@Suite(.serialized) struct OffsiteCrashTests {
    @Test func exportAndImportKilledAtRandomInstantsCompleteWhenRunAgain() throws {
        let (seed, rounds) = KillRounds.fromEnvironment("off-site crash test", rounds: "BRICK_OFFSITE_KILLS", default: 6)
        var random = SeededRandom(seed: seed)
        let (site, root) = try Corpus.site(random: &random)
        // Dovecot's UID list gives the folder an identity: renamed, it is moved, not copied.
        try Data("3 V1750000000 N1\n".utf8).write(to: root.appendingPathComponent(".Archive/dovecot-uidlist"))
        try site.backup()
        var exportTime = 0.3, importTime = 0.3
        var landed = (export: 0, import: 0)
        for round in 1...rounds {
            try Corpus.change(root, round: round, random: &random)
            // Every round the folder moves to another parent or back, so kills land
            // in the item files' relocation on the replica too.
            let places = [".Archive", ".Box.Archive"]
            try FileManager.default.moveItem(
                at: root.appendingPathComponent(places[(round + 1) % 2]), to: root.appendingPathComponent(places[round % 2]))
            try site.backup()
            if round % 3 == 0 { try site.purge() }
            let exportArguments = ["export", "--target", "offsite", "--to", site.bundles.path, "--store", site.work.store.path, "--progress", "never", "--no-encrypt"]
            if let took = try Killer.run(exportArguments, killAfter: Double.random(in: 0...exportTime * 1.2, using: &random)) {
                exportTime = took
            } else {
                landed.export += 1
            }
            let exportStarted = Date()
            try site.export()
            exportTime = max(exportTime, Date().timeIntervalSince(exportStarted))
            let importArguments = ["import", site.bundles.path, "--store", site.replica.path, "--progress", "never"]
            if let took = try Killer.run(importArguments, killAfter: Double.random(in: 0...importTime * 1.2, using: &random)) {
                importTime = took
            } else {
                landed.import += 1
            }
            let importStarted = Date()
            let rerun = try Tools.run("brick-backup", importArguments)
            importTime = max(importTime, Date().timeIntervalSince(importStarted))
            #expect(rerun.status == 0, "round \(round), seed \(seed): \(rerun.stdout)\(rerun.stderr)")
            let differences = try site.differences("alice")
            #expect(differences.isEmpty, "round \(round), seed \(seed): \(differences.prefix(5).joined(separator: "\n"))")
            let verify = try Tools.run("brick-backup", ["verify", site.replica.appendingPathComponent("alice").path, "--progress", "never"])
            #expect(verify.status == 0, "round \(round), seed \(seed): \(verify.stdout)")
            if !differences.isEmpty || verify.status != 0 || rerun.status != 0 { break }
        }
        print("off-site crash test: \(landed.export) kills of export and \(landed.import) of import landed before the end")
    }
}

/// The seed and the number of rounds of a kill test: `BRICK_CRASH_SEED` (else a random
/// one) and the variable `rounds` (else `default`), printed so a failure can be replayed.
enum KillRounds {
    static func fromEnvironment(_ test: String, rounds variable: String, default fallback: Int) -> (seed: UInt64, rounds: Int) {
        let environment = ProcessInfo.processInfo.environment
        let seed = environment["BRICK_CRASH_SEED"].flatMap(UInt64.init) ?? UInt64.random(in: 1...UInt64(UInt32.max))
        let rounds = environment[variable].flatMap(Int.init) ?? fallback
        print("\(test): BRICK_CRASH_SEED=\(seed) \(variable)=\(rounds)")
        return (seed, rounds)
    }
}

/// Starts `brick-backup` and kills it with SIGKILL after a delay.
enum Killer {
    /// The seconds the command took when it ended before the kill, else nil.
    static func run(_ arguments: [String], killAfter delay: Double) throws -> Double? {
        let process = Process()
        process.executableURL = Tools.binDirectory.appendingPathComponent("brick-backup")
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        let started = Date()
        try process.run()
        let deadline = started.addingTimeInterval(delay)
        while process.isRunning && Date() < deadline { usleep(2_000) }
        guard process.isRunning else { return Date().timeIntervalSince(started) }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        return nil
    }
}

/// A deterministic generator for the crash test's choices (SplitMix64).
struct SeededRandom: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}

/// Messages with bodies that do not compress much, so values take time to move.
enum Corpus {
    /// A workspace whose alice has 150 corpus messages in her inbox and `.Archive`;
    /// returns it with alice's Maildir.
    static func site(random: inout SeededRandom) throws -> (site: OffsiteWorkspace, maildir: URL) {
        let site = OffsiteWorkspace(work: try Workspace())
        let root = site.work.maildir("alice")
        try write(into: root, folders: ["", ".Archive"], count: 150, random: &random)
        return (site, root)
    }

    static func write(into root: URL, folders: [String], count: Int, random: inout SeededRandom) throws {
        for folder in folders {
            for sub in ["cur", "new", "tmp"] {
                try FileManager.default.createDirectory(at: root.appendingPathComponent(folder + "/" + sub), withIntermediateDirectories: true)
            }
        }
        for index in 0..<count {
            let folder = folders[index % folders.count]
            try message(index, random: &random).write(to: root.appendingPathComponent(folder + "/cur/1750000000.M\(index)P1.corpus:2,S"))
        }
    }

    /// New messages, deletions and flag changes in the top folder.
    static func change(_ root: URL, round: Int, random: inout SeededRandom) throws {
        let cur = root.appendingPathComponent("cur")
        let present = try FileManager.default.contentsOfDirectory(atPath: cur.path).filter { $0.contains(".corpus") }.sorted()
        for name in present.shuffled(using: &random).prefix(3) { try FileManager.default.removeItem(at: cur.appendingPathComponent(name)) }
        for name in present.shuffled(using: &random).prefix(3)
        where !name.hasSuffix(",FS") && FileManager.default.fileExists(atPath: cur.appendingPathComponent(name).path) {
            let base = name.split(separator: ":")[0]
            try FileManager.default.moveItem(at: cur.appendingPathComponent(name), to: cur.appendingPathComponent("\(base):2,FS"))
        }
        for index in 0..<10 {
            try message(round * 1000 + index, random: &random)
                .write(to: cur.appendingPathComponent("1760000000.M\(round * 1000 + index)P1.corpus:2,"))
        }
    }

    private static func message(_ index: Int, random: inout SeededRandom) -> Data {
        let body = (0..<(20_000 + Int(random.next() % 60_000))).map { _ in UInt8(0x41 + random.next() % 58) }
        return Data("From: sender\(index)@example.org\r\nSubject: corpus \(index)\r\nMessage-ID: <\(index)@corpus>\r\n\r\n".utf8) + Data(body)
    }
}
