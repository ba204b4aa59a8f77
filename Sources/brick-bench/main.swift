// brick-bench: measures the store engine in release mode (`swift run -c release
// brick-bench --help`). Whole-tool comparisons with rsync, doveadm and mbsync live in
// tools/bench; this measures what only code can: put, read and query rates and memory.
import ArgumentParser
import BrickCore
import BrickStore
import Foundation

struct BrickBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "brick-bench",
        abstract: "Benchmark the Brick store: put, read back and query, with peak memory.")

    @Option(help: "Items to put and read back (mix of 5 KB text and 150 KB attachment messages).")
    var items = 100_000

    @Option(name: .customLong("attachment-share"), help: "Share of 150 KB messages, 0…1.")
    var attachmentShare = 0.2

    @Option(name: .customLong("catalog-rows"), help: "Rows in the catalog for the query benchmark.")
    var catalogRows = 1_000_000

    @Option(help: "Items per batch.")
    var batch = 500

    @Option(help: "Work directory (removed at the end unless --keep).")
    var dir = "/var/tmp/brick-bench-store"

    @Flag(help: "Keep the work directory.")
    var keep = false

    func run() throws {
        let root = URL(fileURLWithPath: dir)
        try? FileManager.default.removeItem(at: root)
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { if !keep { try? FileManager.default.removeItem(at: root) } }
        let corpus = Corpus(attachmentShare: attachmentShare)

        print("| step | items | MB | seconds | items/s | MB/s | peak RSS MB |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        let store = try UserStore(layout: StoreLayout(root: root, user: "bench"), user: "bench", mode: .readWrite)
        let run = try store.beginRun(kind: "backup")
        let folder = try store.ensureFolder(.inbox, run: run).folder
        var bytes: Int64 = 0
        var clock = Date()
        var index = 0
        while index < items {
            let count = min(batch, items - index)
            let added = (index..<(index + count)).map { corpus.item($0) }
            bytes += added.reduce(0) { $0 + Int64($1.raw.count) }
            _ = try store.commit(ChangeBatch(added: added), to: folder, run: run)
            index += count
        }
        report("put", items, bytes, Date().timeIntervalSince(clock))

        clock = Date()
        var readBytes: Int64 = 0
        var readCount = 0
        try store.forEachItem(matching: ItemQuery()) { item in
            readBytes += Int64(try store.readItem(item).raw.count)
            readCount += 1
        }
        report("read back", readCount, readBytes, Date().timeIntervalSince(clock))

        // The query catalog: small items, so rows, not bytes, dominate.
        let queryStore = try UserStore(layout: StoreLayout(root: root, user: "catalog"), user: "catalog", mode: .readWrite)
        let queryRun = try queryStore.beginRun(kind: "backup")
        let queryFolder = try queryStore.ensureFolder(.inbox, run: queryRun).folder
        clock = Date()
        index = 0
        while index < catalogRows {
            let count = min(5_000, catalogRows - index)
            _ = try queryStore.commit(ChangeBatch(added: (index..<(index + count)).map { corpus.smallItem($0) }), to: queryFolder, run: queryRun)
            index += count
        }
        report("fill catalog", catalogRows, 0, Date().timeIntervalSince(clock))

        var bySender = ItemQuery()
        bySender.sender = "sender17@domain17.example"
        var byDomain = ItemQuery()
        byDomain.sender = "@domain3.example"
        var byPeriod = ItemQuery()
        byPeriod.periodBegin = Date(timeIntervalSince1970: Corpus.epoch + 86_400 * 100)
        byPeriod.periodEnd = Date(timeIntervalSince1970: Corpus.epoch + 86_400 * 101)
        var deletedOnly = ItemQuery()
        deletedOnly.deleted = .only
        print("")
        print("| query on \(catalogRows) rows | rows | ms to count (median of 5) | ms to list all rows (median of 5) |")
        print("|---|---:|---:|---:|")
        for (name, query) in [("by sender address", bySender), ("by sender @domain", byDomain), ("by period (one day)", byPeriod), ("deleted only", deletedOnly)] {
            var countTimes: [Double] = []
            var listTimes: [Double] = []
            var rows = 0
            for _ in 0..<5 {
                var start = Date()
                rows = try queryStore.count(matching: query).items
                countTimes.append(Date().timeIntervalSince(start) * 1000)
                start = Date()
                rows = try queryStore.items(matching: query).count
                listTimes.append(Date().timeIntervalSince(start) * 1000)
            }
            print("| \(name) | \(rows) | \(String(format: "%.1f", countTimes.sorted()[2])) | \(String(format: "%.1f", listTimes.sorted()[2])) |")
        }
        print("")
        print("peak RSS: \(peakRSSMegabytes()) MB")
    }

    func report(_ step: String, _ count: Int, _ bytes: Int64, _ seconds: Double) {
        let mb = Double(bytes) / 1_000_000
        print(String(format: "| %@ | %d | %.0f | %.2f | %.0f | %.1f | %d |", step, count, mb, seconds, Double(count) / seconds, mb / seconds, peakRSSMegabytes()))
    }
}

/// Deterministic, realistic messages: text mail of about 5 KB, and mail with a 150 KB
/// base64 attachment, from 500 senders over 50 domains, over 3 years.
struct Corpus {
    static let epoch: TimeInterval = 1_672_531_200  // 2023-01-01
    let attachmentShare: Double
    let words = ["meeting", "report", "invoice", "the", "project", "update", "please", "review", "attached", "thanks",
                 "schedule", "budget", "quarter", "results", "team", "customer", "release", "notes", "draft", "final"]
    let base64Block: String = {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        var state: UInt64 = 0x1234_5678_9ABC_DEF1
        var line = ""
        var lines: [String] = []
        for _ in 0..<(150_000 / 77) {
            line = ""
            for _ in 0..<76 {
                state ^= state << 13; state ^= state >> 7; state ^= state << 17
                line.append(alphabet[Int(state % 64)])
            }
            lines.append(line)
        }
        return lines.joined(separator: "\r\n")
    }()

    func headers(_ index: Int) -> (String, Date) {
        let date = Date(timeIntervalSince1970: Corpus.epoch + Double(index % 1095) * 86_400 + Double(index % 86_400))
        let sender = "sender\(index % 500)@domain\(index % 50).example"
        let text = "From: Sender \(index % 500) <\(sender)>\r\nTo: bench@example.org\r\nSubject: \(words[index % 20]) \(words[(index / 20) % 20]) #\(index)\r\n"
            + "Date: \(Corpus.rfc5322(date))\r\nMessage-ID: <bench.\(index)@example.org>\r\nMIME-Version: 1.0\r\n"
        return (text, date)
    }

    func item(_ index: Int) -> SourceItem {
        let (header, date) = headers(index)
        var body = ""
        var word = index
        while body.utf8.count < 4_500 {
            body += words[word % 20] + (word % 13 == 0 ? ".\r\n" : " ")
            word = (word &* 1_103_515_245 &+ 12_345) & 0x7FFF_FFFF
        }
        let attached = Double(index % 100) < attachmentShare * 100
        let raw = attached
            ? header + "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n\(body)\r\n--b\r\n"
                + "Content-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n\(base64Block)\r\n--b--\r\n"
            : header + "Content-Type: text/plain; charset=utf-8\r\n\r\n\(body)\r\n"
        return SourceItem(key: ItemKey("m\(index)"), flags: ItemFlags(system: index % 3 == 0 ? [] : [.seen]), internalDate: date, raw: Array(raw.utf8))
    }

    func smallItem(_ index: Int) -> SourceItem {
        let (header, date) = headers(index)
        return SourceItem(key: ItemKey("s\(index)"), flags: .none, internalDate: date, raw: Array((header + "\r\nshort\r\n").utf8))
    }

    static let formatter: DateFormatter = {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, d MMM yyyy HH:mm:ss Z"
        return formatter
    }()

    static func rfc5322(_ date: Date) -> String { formatter.string(from: date) }
}

func peakRSSMegabytes() -> Int {
    var usage = rusage()
    getrusage(Int32(RUSAGE_SELF.rawValue), &usage)
    return usage.ru_maxrss / 1024
}

BrickBench.main()
