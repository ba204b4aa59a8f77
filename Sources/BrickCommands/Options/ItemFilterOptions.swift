import ArgumentParser
import BrickCore
import BrickStore
import Foundation

/// The item filters `brick-backup index` and `brick-restore` share. They combine (AND).
struct ItemFilterOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Only this folder (path like Archive/2025; repeatable).", valueName: "PATH"))
    var folder: [String] = []

    @Flag(name: .long, help: "Include the subfolders of each --folder.")
    var recursive = false

    @Option(name: .long, help: ArgumentHelp("Only mail from this address (case-insensitive) or @domain.", valueName: "ADDR|@DOMAIN"))
    var sender: String?

    @Option(name: .customLong("period-begin"), help: ArgumentHelp("Only mail on or after this day.", valueName: "YYYY-MM-DD"))
    var periodBegin: String?

    @Option(name: .customLong("period-end"), help: ArgumentHelp("Only mail on or before this day (inclusive).", valueName: "YYYY-MM-DD"))
    var periodEnd: String?

    @Option(name: .customLong("date"), help: "Which date the period applies to: received (internal date) or sent (Date header).")
    var dateField: DateFieldArgument = .received

    @Option(name: .long, help: ArgumentHelp("Only the item with this key, as `index` shows it (repeatable).", valueName: "KEY"))
    var key: [String] = []

    @Option(name: .long, help: "Deleted items: no (present upstream at the last backup), yes (both), only (deleted upstream).")
    var deleted: DeletedArgument = .no

    @Option(name: .customLong("as-of"), help: ArgumentHelp(
        "The mailbox as it was at the last backup on or before this day (or time: YYYY-MM-DDTHH:MM[:SS], Z for UTC).", valueName: "YYYY-MM-DD"))
    var asOf: String?

    @Option(name: .long, help: ArgumentHelp(
        "Only mail whose subject matches these words (full text: every word, a \"phrase\", a prefix contr*, OR, NOT).", valueName: "WORDS"))
    var subject: String?

    @Option(name: .long, help: ArgumentHelp(
        "Only mail matching these words in subject, sender or recipients, and in the message text where the store was backed up with --index-text (same syntax as --subject).",
        valueName: "WORDS"))
    var text: String?

    /// The store query these options describe.
    func query() throws -> ItemQuery {
        var query = ItemQuery()
        query.folders = folder.map(FolderPath.init(parsing:))
        query.recursive = recursive
        if let sender {
            let trimmed = sender.trimmingCharacters(in: .whitespaces)
            guard trimmed.contains("@"), trimmed.count > 1 else {
                throw UsageError("invalid --sender '\(sender)': give an address (alice@example.org) or a domain (@example.org)")
            }
            query.sender = trimmed
        }
        if let periodBegin { query.periodBegin = try DateArgument.startOfDay(periodBegin, option: "--period-begin") }
        if let periodEnd { query.periodEnd = try DateArgument.endOfDay(periodEnd, option: "--period-end") }
        if let begin = query.periodBegin, let end = query.periodEnd, begin >= end {
            throw UsageError("--period-begin \(periodBegin!) is after --period-end \(periodEnd!)")
        }
        query.dateField = dateField.field
        query.keys = key.map { ItemKey($0) }
        query.deleted = deleted.filter
        if let asOf { query.asOf = try DateArgument.instant(asOf, option: "--as-of") }
        for (option, value) in [("--subject", subject), ("--text", text)] {
            if let value, value.trimmingCharacters(in: .whitespaces).isEmpty { throw UsageError("\(option) needs at least one word") }
        }
        query.subject = subject
        query.text = text
        return query
    }
}

/// `--date received|sent`.
enum DateFieldArgument: String, ExpressibleByArgument, CaseIterable {
    case received, sent
    var field: ItemQuery.DateField { self == .received ? .received : .sent }
}

/// `--deleted no|yes|only`.
enum DeletedArgument: String, ExpressibleByArgument, CaseIterable {
    case no, yes, only
    var filter: ItemQuery.DeletedFilter { ItemQuery.DeletedFilter(rawValue: rawValue)! }
}
