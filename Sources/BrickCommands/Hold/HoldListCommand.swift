import ArgumentParser
import BrickCore
import BrickStore
import Foundation

/// `brick-backup hold list`: who is held, since when, why, until when.
struct HoldListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List the holds of the users named, or of every store: who, since, why, until.")

    @OptionGroup var holdUsers: HoldUsers

    @Flag(name: .long, help: "Also the holds removed or expired.")
    var all = false

    @Option(name: .long, help: "table, csv or json (default: table on a terminal, csv otherwise).")
    var format: ListingFormat?

    @OptionGroup var config: ConfigOptions
    @OptionGroup var storeRoot: StoreRootOptions

    func run() async throws {
        let root = storeRoot.root(try config.load())
        var users = try holdUsers.named(optional: true)
        if users.isEmpty { users = StoreRootOptions.existingUsers(under: root) }
        let columns = ["user", "id", "since", "until", "scope", "reason", "status"]
        var rows: [[String]] = []
        var failed = 0
        for user in users {
            do {
                let store = try StoreCatalogHolds.holds(user: user, root: root)
                for hold in store where all || hold.isActive() {
                    let status = hold.removedAt.map { "removed \(Formatting.isoDate($0))" } ?? (hold.isActive() ? "active" : "expired")
                    rows.append([user, "\(hold.id)", Formatting.isoDate(hold.since), Formatting.isoDate(hold.until), hold.scope, hold.reason, status])
                }
            } catch {
                failed += 1
                Terminal.printError("brick-backup hold list: \(user): \(error)")
            }
        }
        switch format ?? .automatic {
        case .csv:
            Terminal.write(CSV.record(columns, lineEnd: "\n"))
            for row in rows { Terminal.write(CSV.record(row, lineEnd: "\n")) }
        case .json:
            let objects = rows.map { Dictionary(uniqueKeysWithValues: zip(columns, $0)) }
            let data = try JSONSerialization.data(withJSONObject: objects, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])
            Terminal.write(String(decoding: data, as: UTF8.self) + "\n")
        case .table:
            let widths = [16, 4, 20, 20, 30, 30, 10]
            for row in [columns.map { $0.uppercased() }] + rows {
                Terminal.write(zip(row, widths).map { $0.0.padding(toLength: max($0.1, $0.0.count), withPad: " ", startingAt: 0) }
                    .joined(separator: " ").trimmingCharacters(in: .whitespaces) + "\n")
            }
            Terminal.write("\(rows.count) hold\(rows.count == 1 ? "" : "s")\n")
        }
        if failed > 0 { throw CommandFailure(exit: .partialFailure) }
    }
}

/// Reading a user's holds without taking the writer lock.
enum StoreCatalogHolds {
    static func holds(user: String, root: URL) throws -> [LegalHold] {
        let layout = try StoreLayout(root: root, user: user)
        guard FileManager.default.fileExists(atPath: layout.catalog.path) else {
            throw UsageError("no store for user \(user) under \(root.path)")
        }
        return try UserStore(layout: layout, user: user, mode: .readOnly).holds()
    }
}
