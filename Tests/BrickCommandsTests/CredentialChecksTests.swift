@testable import BrickCommands
import Foundation
import Testing

@Suite("Password file checks")
struct CredentialChecksTests {
    private static func file(_ text: String, mode: Int) throws -> String {
        let path = NSTemporaryDirectory() + "brick-password-\(UUID().uuidString)"
        #expect(FileManager.default.createFile(atPath: path, contents: Data(text.utf8)))
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
        return path
    }

    @Test("a file of mode 0600 gives its first line")
    func privateFileIsRead() throws {
        let path = try Self.file("s3cret\r\nignored\n", mode: 0o600)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try PasswordFile.read(path) == "s3cret")
    }

    @Test("a file group or others may read or write is refused with its mode", arguments: [0o640, 0o604, 0o620, 0o644])
    func exposedFileIsRefused(mode: Int) throws {
        let path = try Self.file("s3cret\n", mode: mode)
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            _ = try PasswordFile.read(path)
            Issue.record("mode \(String(mode, radix: 8)) accepted")
        } catch let error as UsageError {
            #expect("\(error)".contains(String(format: "%04o", mode)))
            #expect(!"\(error)".contains("s3cret"))
        }
    }

    @Test("an empty file, or one whose first line is empty, is refused before any login", arguments: ["", "\n", "\r\nsecond\n"])
    func emptyPasswordIsRefused(text: String) throws {
        let path = try Self.file(text, mode: 0o600)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: UsageError.self) { try PasswordFile.read(path) }
    }
}
