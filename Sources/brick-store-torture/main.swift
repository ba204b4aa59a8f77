// A store writer that never stops on its own: it commits batches of generated items,
// flag changes, deletions, folder moves and purges into one user's store until it is
// killed or reaches --until N items. Each message first lands in Staging, then in
// INBOX (which stores it as a reference to the Staging copy); Staging items are then
// deleted and purged, which hands their bytes to INBOX. Every --move-every batches
// (default 7) it moves a folder between two parents. The crash-consistency tests
// kill it at random instants and check that the store opens, verifies and lost nothing.
//
// `brick-store-torture --die-inside-rename ENV FROM TO` renames one item file in a
// Berkeley DB transaction of the environment in ENV, commits it without writing the log
// and exits: the file is renamed on disk and the commit is lost, as a kill during a
// folder move's commit leaves them.
import BerkeleyDB
import BrickCore
import BrickStore
import Foundation

/// The bytes of generated item number `index`: the tests recompute them to compare.
func tortureMessage(_ index: Int) -> [UInt8] {
    let body = String(repeating: "line \(index) of a generated message body\r\n", count: 20 + index % 200)
    return Array("From: sender\(index % 17)@example.org\r\nSubject: item \(index)\r\nMessage-ID: <item\(index)@torture>\r\n\r\n\(body)".utf8)
}

let arguments = CommandLine.arguments
if arguments.count == 5 && arguments[1] == "--die-inside-rename" {
    do {
        let environment = try Environment(home: arguments[2], dataDirectory: "..", cacheMegabytes: 16)
        let transaction = try environment.beginTransaction()
        try environment.renameDatabase(arguments[3], to: arguments[4], in: transaction)
        try transaction.commitWithoutLogWrite()
        _exit(0)
    } catch {
        FileHandle.standardError.write(Data("brick-store-torture: \(error)\n".utf8))
        exit(1)
    }
}
guard arguments.count >= 3 else {
    FileHandle.standardError.write(Data("usage: brick-store-torture STORE_ROOT USER [--until N] [--move-every BATCHES]\n".utf8))
    exit(2)
}
let root = URL(fileURLWithPath: arguments[1])
let user = arguments[2]
let until = arguments.firstIndex(of: "--until").flatMap { Int(arguments[$0 + 1]) } ?? Int.max
let moveEvery = max(1, arguments.firstIndex(of: "--move-every").flatMap { Int(arguments[$0 + 1]) } ?? 7)

do {
    let store = try UserStore(layout: StoreLayout(root: root, user: user), user: user, mode: .readWrite)
    let run = try store.beginRun(kind: "backup", source: "torture")
    let inbox = try store.ensureFolder(.inbox, run: run).folder
    let staging = try store.ensureFolder(FolderPath(["Staging"]), run: run).folder
    var next = try store.count(matching: { var query = ItemQuery(); query.folders = [.inbox]; query.deleted = .yes; return query }()).items
    var batchNumber = 0
    FileHandle.standardOutput.write(Data("ready \(next)\n".utf8))
    while next < until {
        let count = min(25, until - next)
        func items(_ prefix: String) -> [SourceItem] {
            (next..<(next + count)).map {
                SourceItem(key: ItemKey("\(prefix)\($0)"), flags: .none, internalDate: Date(timeIntervalSince1970: 1_700_000_000 + Double($0)), raw: tortureMessage($0))
            }
        }
        _ = try store.commit(ChangeBatch(added: items("s")), to: staging, run: run)
        let flagged = next > 10 ? [FlagChange(key: ItemKey("i\(next - 10)"), flags: ItemFlags(system: [.seen]))] : []
        _ = try store.commit(ChangeBatch(added: items("i"), flagChanges: flagged, token: "next \(next + count)"), to: inbox, run: run)
        _ = try store.commit(ChangeBatch(vanished: items("s").map(\.key)), to: staging, run: run)
        next += count
        batchNumber += 1
        if batchNumber % 5 == 0 {
            _ = try store.purge(deletedBefore: .distantFuture, dryRun: false, run: nil)
        }
        if batchNumber % moveEvery == 0 {
            // Move a folder back and forth between two parents.
            let moving = try store.folder(at: FolderPath(["A", "Box"])) ?? store.folder(at: FolderPath(["B", "Box"]))
            if let moving {
                let target = moving.path.components.first == "A" ? FolderPath(["B", "Box"]) : FolderPath(["A", "Box"])
                try store.moveFolder(moving.id, to: target, upstreamName: nil, run: run)
            } else {
                let box = try store.ensureFolder(FolderPath(["A", "Box"]), run: run).folder
                _ = try store.commit(ChangeBatch(added: [SourceItem(key: "box", flags: .none, internalDate: Date(), raw: tortureMessage(-1))]), to: box, run: run)
            }
        }
    }
    try store.finishRun(run, totals: RunTotals(), status: "ok")
} catch {
    FileHandle.standardError.write(Data("brick-store-torture: \(error)\n".utf8))
    exit(1)
}
