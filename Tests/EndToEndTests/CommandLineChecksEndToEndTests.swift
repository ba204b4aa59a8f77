import Foundation
import Testing

/// Values the tools must refuse with a line that says what is wrong.
@Suite struct CommandLineChecksEndToEndTests {
    @Test func negativeOlderThanIsCalledNegative() throws {
        let store = FileManager.default.temporaryDirectory.appendingPathComponent("brick-cli-\(UUID().uuidString)").path
        let result = try Tools.run("brick-backup", ["purge", "--older-than", "-5", "--store", store])
        #expect(result.status == 2)
        #expect(result.stderr.contains("negative"), "\(result.stderr)")
        #expect(!result.stderr.contains("Missing value"))
    }

    @Test func maxMessageSizeTakesUnitsAndRefusesNonsense() throws {
        let bad = try Tools.run("brick-backup", ["backup", "--source", "maildir:/nonexistent", "-u", "a", "--max-message-size", "lots"])
        #expect(bad.status == 2 && bad.stderr.contains("max-message-size"), "\(bad.stderr)")
        let work = try Workspace()
        let result = try Tools.run("brick-backup", [
            "backup", "--source", work.source, "-u", "alice", "--store", work.store.path, "--max-message-size", "200",
            "--progress", "never",
        ])
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        #expect(result.stderr.contains("above the maximum message size of 200"), "\(result.stderr)")
        #expect(result.stdout.contains("skipped"), "\(result.stdout)")
    }
}
