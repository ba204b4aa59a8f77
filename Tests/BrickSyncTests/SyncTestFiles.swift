import Foundation

/// A new, empty temporary directory for one sync test.
func syncTestDirectory() -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("brick-sync-\(UUID().uuidString)")
    try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// A Maildir under `root` with `folders` (`.` is INBOX) holding one seen message per
/// key, its Subject and Message-ID made from the key and its body from `body`.
func makeTestMaildir(_ root: URL, folders: [String: [String]], body: (String) -> String = { _ in "body" }) throws {
    for (folder, keys) in folders {
        let directory = folder == "." ? root.path : root.path + "/" + folder
        for sub in ["cur", "new", "tmp"] {
            try FileManager.default.createDirectory(atPath: directory + "/" + sub, withIntermediateDirectories: true)
        }
        for key in keys {
            let text = "From: a@example.org\r\nSubject: \(key)\r\nMessage-ID: <\(key)@test>\r\n\r\n\(body(key))\r\n"
            try Data(text.utf8).write(to: URL(fileURLWithPath: directory + "/cur/" + key + ":2,S"))
        }
    }
}
