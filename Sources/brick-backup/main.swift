import BrickCommands

await BrickBackup.runMain()
