import BrickCommands

await BrickRestoreCommand.runMain()
