import ArgumentParser
import BrickCore
import BrickStore

/// `brick-backup settings`: lists a user's backed-up settings (Sieve scripts, ACLs,
/// subscriptions, annotations), every version kept or as of a date.
struct SettingsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "settings",
        abstract: "List the settings in a user's store: kind, folder, name, size, changed, deleted.",
        discussion: """
            Without --as-of every version kept is listed: a version replaced by a later \
            one, or gone upstream, shows when in the deleted column. A purge removes \
            versions replaced longer ago than its retention.

            Example:
              brick-backup settings backups/alice --kind sieve,acl --format json
            """)

    @OptionGroup var userDirectory: UserDirectoryArgument
    @OptionGroup var kinds: SettingKindOptions

    @Option(name: .long, help: ArgumentHelp("Only settings of this folder (and subscriptions to it; repeatable).", valueName: "PATH"))
    var folder: [String] = []

    @Option(name: .customLong("as-of"), help: ArgumentHelp(
        "The settings as they were at the last backup on or before this day (or time: YYYY-MM-DDTHH:MM[:SS], Z for UTC).",
        valueName: "YYYY-MM-DD"))
    var asOf: String?

    @Option(name: .long, help: "table, csv or json (default: table on a terminal, csv otherwise).")
    var format: ListingFormat?

    func run() async throws {
        let store = try userDirectory.openReadOnly()
        let chosen = try kinds.kinds()
        let folders = folder.map(FolderPath.init(parsing:))
        let versions = try asOf.map { try store.settings(asOf: DateArgument.instant($0, option: "--as-of")) } ?? store.settingVersions()
        let selected = versions.filter { version in
            guard chosen.contains(version.setting.kind) else { return false }
            guard !folders.isEmpty else { return true }
            let place = version.setting.kind == .subscriptions ? FolderPath(parsing: version.setting.name) : version.setting.folder
            return place.map { folders.contains($0) } ?? false
        }
        SettingListing.write(selected, format: format ?? .automatic)
    }
}
