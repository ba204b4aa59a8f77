import ArgumentParser
import BrickStore
import Foundation

/// `brick-backup hold remove`: lifts holds.
struct HoldRemoveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove", abstract: "Lift the holds of users (all of their active holds, or those named by --id).")

    @OptionGroup var holdUsers: HoldUsers

    @Option(name: .long, help: ArgumentHelp("Only the hold with this id, as `hold list` shows it (repeatable).", valueName: "ID"))
    var id: [Int64] = []

    @Option(name: .long, help: ArgumentHelp("Why the hold ends, for the run history.", valueName: "TEXT"))
    var why: String?

    @OptionGroup var config: ConfigOptions
    @OptionGroup var storeRoot: StoreRootOptions

    func run() async throws {
        let root = storeRoot.root(try config.load())
        var failed = 0
        for user in try holdUsers.named() {
            do {
                let store = try HoldStores.open(user, root: root)
                let removed = try store.removeHolds(ids: id.isEmpty ? nil : id, reason: why)
                Terminal.write(removed.isEmpty
                    ? "\(user): no active hold\(id.isEmpty ? "" : " with that id")\n"
                    : removed.map { "\(user): hold \($0.id) (\($0.scope)) removed\n" }.joined())
            } catch {
                failed += 1
                Terminal.printError("brick-backup hold remove: \(user): \(error)")
            }
        }
        if failed > 0 { throw CommandFailure(exit: .partialFailure) }
    }
}
