import ArgumentParser
import BrickCore
import BrickSync

/// `--folder`, `--recursive`, `--exclude`, `--skip-junk`, `--skip-trash` for backups.
struct FolderSelectionOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Back up only this folder (repeatable; see --recursive).", valueName: "PATH"))
    var folder: [String] = []

    @Flag(name: .long, help: "With --folder: include subfolders.")
    var recursive = false

    @Option(name: .long, help: ArgumentHelp("Leave out folders matching this glob, with their subfolders (repeatable), e.g. 'Bulk Mail'.", valueName: "GLOB"))
    var exclude: [String] = []

    @Flag(name: .customLong("skip-junk"), help: "Leave out the Junk/Spam folder.")
    var skipJunk = false

    @Flag(name: .customLong("skip-trash"), help: "Leave out the Trash folder.")
    var skipTrash = false

    /// The selection these options describe.
    var selection: FolderSelection {
        var selection = FolderSelection()
        selection.folders = folder.map(FolderPath.init(parsing:))
        selection.recursive = recursive
        selection.excludes = exclude
        selection.skipJunk = skipJunk
        selection.skipTrash = skipTrash
        return selection
    }
}
