import Foundation

/// A workspace with a configuration file beside the fixture Maildirs.
extension Workspace {
    /// Writes `text` as `brick.toml` (mode 0600) and returns its path.
    func writeConfig(_ text: String, name: String = "brick.toml", mode: Int = 0o600) throws -> String {
        let path = url.appendingPathComponent(name).path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
        return path
    }

    /// `count` users `user01`… made of copies of alice's fixture Maildir.
    func makeUsers(_ count: Int) throws -> [String] {
        let users = (1...count).map { String(format: "user%02d", $0) }
        for user in users {
            let target = maildirs.appendingPathComponent(user)
            try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: maildir("alice"), to: target.appendingPathComponent("Maildir"))
        }
        return users
    }

    /// The user directories with a catalog under `root`.
    static func storedUsers(_ root: URL) -> Set<String> {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        return Set(names.filter { FileManager.default.fileExists(atPath: root.appendingPathComponent("\($0)/catalog.sqlite").path) })
    }
}

/// One line of `runs --format json`.
struct RunLine: Decodable {
    var user: String
    var kind: String
    var status: String
    var added: Int
    var purged: Int
    var errors: [String]
}

func runLines(_ arguments: [String]) throws -> [RunLine] {
    let result = try Tools.run("brick-backup", ["runs", "--format", "json"] + arguments)
    guard result.status == 0 else { throw IndexFailed(status: result.status, stderr: result.stderr) }
    return try JSONDecoder().decode([RunLine].self, from: Data(result.stdout.utf8))
}
