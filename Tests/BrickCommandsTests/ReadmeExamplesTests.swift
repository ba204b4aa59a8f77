import ArgumentParser
@testable import BrickCommands
import Foundation
import Testing

/// Every `brick-backup` and `brick-restore` command line in README.md's shell blocks,
/// read from the README itself so that the test follows the document.
enum ReadmeExamples {
    static var readme: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("README.md")
    }

    /// The command lines: continuation lines joined, comments dropped, split into words
    /// as a POSIX shell would (single and double quotes, backslash escapes).
    static func commandLines() throws -> [[String]] {
        let text = try String(contentsOf: readme, encoding: .utf8)
        var lines: [String] = []
        var inShell = false
        var pending = ""
        for line in text.components(separatedBy: "\n") {
            if line.hasPrefix("```") {
                inShell = !inShell && line.hasPrefix("```sh")
                continue
            }
            guard inShell else { continue }
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasSuffix("\\") {
                pending += trimmed.dropLast() + " "
                continue
            }
            lines.append(pending + trimmed)
            pending = ""
        }
        return lines.map(words).filter { ["brick-backup", "brick-restore"].contains($0.first) }
    }

    static func words(_ line: String) -> [String] {
        var words: [String] = []
        var current = ""
        var inWord = false
        var quote: Character?
        var escaped = false
        for ch in line {
            if escaped {
                current.append(ch)
                escaped = false
            } else if let open = quote {
                if ch == open { quote = nil } else if ch == "\\" && open == "\"" { escaped = true } else { current.append(ch) }
            } else if ch == "\\" {
                escaped = true
                inWord = true
            } else if ch == "'" || ch == "\"" {
                quote = ch
                inWord = true
            } else if ch == "#" && !inWord {
                break
            } else if ch == " " || ch == "\t" {
                if inWord { words.append(current) }
                current = ""
                inWord = false
            } else {
                current.append(ch)
                inWord = true
            }
        }
        if inWord { words.append(current) }
        return words
    }
}

@Suite("README examples")
struct ReadmeExamplesTests {
    @Test("the README has the examples this test is meant to check")
    func examplesFound() throws {
        let lines = try ReadmeExamples.commandLines()
        #expect(lines.count >= 12)
        #expect(lines.contains { $0.contains("-j") })
        #expect(lines.contains { $0.first == "brick-restore" })
    }

    @Test("every README command line parses", arguments: try ReadmeExamples.commandLines())
    func parses(arguments: [String]) throws {
        switch arguments[0] {
        case "brick-backup": _ = try BrickBackup.parseAsRoot(Array(arguments.dropFirst()))
        default: _ = try BrickRestoreCommand.parseAsRoot(Array(arguments.dropFirst()))
        }
    }

    @Test("-j, -w and --workers set the same option")
    func workersShortForms() throws {
        for flag in ["-j", "-w", "--workers"] {
            let command = try BrickBackup.parseAsRoot(["backup", "--source", "maildir:/m/{user}", "--all-users", flag, "4"])
            #expect((command as? BackupCommand)?.workers == 4)
        }
    }

    @Test("--user-timeout defaults to an hour, takes 0 for no limit, and refuses a negative value")
    func userTimeout() throws {
        let base = ["backup", "--source", "maildir:/m/{user}", "--all-users"]
        #expect((try BrickBackup.parseAsRoot(base) as? BackupCommand)?.userTimeout == 3600)
        #expect((try BrickBackup.parseAsRoot(base + ["--user-timeout", "0"]) as? BackupCommand)?.userTimeout == 0)
        #expect(throws: (any Error).self) { try BrickBackup.parseAsRoot(base + ["--user-timeout", "-5"]) }
    }

    @Test("--tls takes starttls or never, and nothing that would fall back to plain text")
    func tlsModes() throws {
        let base = ["backup", "--source", "imap://127.0.0.1", "-u", "alice"]
        #expect((try BrickBackup.parseAsRoot(base) as? BackupCommand)?.imap.tls == .starttls)
        #expect((try BrickBackup.parseAsRoot(base + ["--tls", "never"]) as? BackupCommand)?.imap.tls == .never)
        #expect(throws: (any Error).self) { try BrickBackup.parseAsRoot(base + ["--tls", "auto"]) }
    }
}
