import BrickCore
import BrickMaildir
import Foundation
import Logging

/// Makes each user's `MailSource` from the parsed `--source` and IMAP options.
struct SourceFactory: Sendable {
    private let spec: SourceSpec

    init(spec: SourceSpec, imap: IMAPOptions) throws {
        self.spec = spec
        if case .imap = spec {
            throw UsageError("the IMAP source is not available in this build")
        }
    }

    /// Fails early, with one clear line, for users whose Maildir does not exist.
    func checkUsers(_ users: [String]) throws {
        guard case .maildir(let template) = spec else { return }
        var missing: [String] = []
        for user in users {
            let root = try MaildirUsers.expand(template: template, user: user)
            var isDirectory: ObjCBool = false
            if !FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory) || !isDirectory.boolValue {
                missing.append("\(user) (\(root.path))")
            }
        }
        if !missing.isEmpty {
            throw UsageError("no Maildir for user \(missing.joined(separator: ", "))")
        }
    }

    /// The source of one user.
    func makeSource(user: String, logger: Logger) async throws -> any MailSource {
        switch spec {
        case .maildir(let template):
            return MaildirSource(root: try MaildirUsers.expand(template: template, user: user))
        case .imap:
            throw UsageError("the IMAP source is not available in this build")
        }
    }
}
