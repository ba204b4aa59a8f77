import Foundation
import Glibc
import Testing

/// Generated hostile Maildirs (links to files and folders, loops, a FIFO, a socket, a
/// sparse terabyte file, an unreadable file, odd folder names) backed up with
/// `--all-users` and restored into targets seeded with links: nothing outside the
/// intended trees is read into the store or changed, and every skip is reported.
@Suite(.serialized) struct HostileTreeEndToEndTests {
    /// What one path looked like, links and special files never followed or opened.
    struct Entry: Equatable {
        var kind: mode_t
        var size: Int64
        var modified: Int64
        var content: Data
    }

    /// Everything below `root` except the trees under `excluded`, by relative path.
    static func snapshot(_ root: String, excluding excluded: [String]) -> [String: Entry] {
        var result: [String: Entry] = [:]
        func walk(_ relative: String) {
            let path = relative.isEmpty ? root : root + "/" + relative
            var info = stat()
            guard lstat(path, &info) == 0 else { return }
            let kind = info.st_mode & S_IFMT
            var content = Data()
            if kind == S_IFLNK {
                content = Data(((try? FileManager.default.destinationOfSymbolicLink(atPath: path)) ?? "?").utf8)
            } else if kind == S_IFREG && info.st_size < 1 << 20, let data = FileManager.default.contents(atPath: path) {
                content = data
            }
            let modified = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
            result[relative] = Entry(kind: kind, size: Int64(info.st_size), modified: kind == S_IFDIR ? 0 : modified, content: content)
            guard kind == S_IFDIR else { return }
            for name in (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [] {
                let child = relative.isEmpty ? name : relative + "/" + name
                if !excluded.contains(child) { walk(child) }
            }
        }
        walk("")
        return result
    }

    static func write(_ path: String, _ text: String) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    static func mail(_ subject: String) -> String {
        "From: a@example.org\r\nSubject: \(subject)\r\nMessage-ID: <\(subject)@test>\r\n\r\nbody\r\n"
    }

    static func folder(_ path: String, messages: [String: String]) throws {
        for sub in ["cur", "new", "tmp"] {
            try FileManager.default.createDirectory(atPath: path + "/" + sub, withIntermediateDirectories: true)
        }
        for (name, subject) in messages { try write(path + "/cur/" + name, mail(subject)) }
    }

    /// Builds the tree; returns the names every backup must report skipped.
    static func build(_ root: String) throws -> [String] {
        try write(root + "/victim.txt", mail("VICTIM"))
        try folder(root + "/victimdir/other/.Private", messages: ["1.other.host:2,S": "OTHER-USER"])
        let alice = root + "/mail/alice/Maildir"
        try folder(alice, messages: ["1.a.host:2,S": "alice-inbox"])
        for (name, subject) in ["...": "dots3", "....": "dots4", ".a..b": "empty-part", ".Sent": "alice-sent"] {
            try folder(alice + "/" + name, messages: ["1.\(subject).host:2,S": subject])
        }
        symlink(root + "/victim.txt", alice + "/cur/2.link.host:2,S")
        mkfifo(alice + "/cur/3.fifo.host:2,", 0o600)
        let sparse = open(alice + "/cur/4.sparse.host:2,S", O_WRONLY | O_CREAT, 0o600)
        ftruncate(sparse, 1 << 40)
        close(sparse)
        try write(alice + "/cur/5.unreadable.host:2,S", mail("unreadable"))
        chmod(alice + "/cur/5.unreadable.host:2,S", 0)
        symlink(root + "/victimdir/other/.Private", alice + "/.evil")
        try folder(alice + "/.Linked", messages: [:])
        try FileManager.default.removeItem(atPath: alice + "/.Linked/cur")
        symlink(root + "/victimdir/other/.Private/cur", alice + "/.Linked/cur")
        let bob = root + "/mail/bob/Maildir"
        try folder(bob, messages: ["1.b.host:2,S": "bob-inbox"])
        try folder(bob + "/Work", messages: ["1.w.host:2,S": "bob-work"])
        symlink("..", bob + "/Work/loop")
        symlink(".", bob + "/here")
        var skipped = ["cur/2.link.host:2,S", "cur/3.fifo.host:2,", "cur/4.sparse.host:2,S", ".evil", "Work/loop", "here"]
        let socketPath = alice + "/cur/6.socket.host:2,"
        if socketPath.utf8.count < 100 {
            let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &address.sun_path) { buffer in
                for (index, byte) in socketPath.utf8.enumerated() { buffer[index] = byte }
            }
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            }
            close(fd)
            if bound == 0 { skipped.append("cur/6.socket.host:2,") }
        }
        return skipped
    }

    @Test func hostileTreesNeitherLeakNorWriteOutside() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("brick-hostile-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let skipped = try Self.build(root)
        let targets = root + "/targets"
        try FileManager.default.createDirectory(atPath: targets + "/maildir/.Sent", withIntermediateDirectories: true)
        symlink(root + "/victimdir", targets + "/maildir/.\\2e\\2e\\2e")
        symlink(root + "/victimdir", targets + "/maildir/.Sent/cur")
        symlink(root + "/victim.txt", targets + "/link.mbox")
        try FileManager.default.createDirectory(atPath: targets + "/eml", withIntermediateDirectories: true)
        symlink(root + "/victimdir", targets + "/eml/INBOX")
        let outside = ["store", "targets"]
        let before = Self.snapshot(root, excluding: outside)
        let seeded = Self.snapshot(targets, excluding: [])

        let backup = try Tools.run("brick-backup", [
            "backup", "--source", "maildir:\(root)/mail/{user}/Maildir", "--all-users", "--store", root + "/store",
            "--progress", "never",
        ])
        #expect(backup.status == 1, "\(backup.stdout)\(backup.stderr)")
        for name in skipped { #expect(backup.stderr.contains(name), "skip of \(name) not reported:\n\(backup.stderr)") }
        let output = backup.stdout + backup.stderr
        #expect(output.contains(".Linked/cur") && output.contains("symbolic link"))
        #expect(backup.stdout.contains("bob") && backup.stdout.contains("alice"))

        let aliceItems = try index(URL(fileURLWithPath: root + "/store/alice"))
        let bobItems = try index(URL(fileURLWithPath: root + "/store/bob"))
        let subjects = Set((aliceItems + bobItems).compactMap(\.subject))
        #expect(!subjects.contains("VICTIM") && !subjects.contains("OTHER-USER"))
        let expected: Set = ["alice-inbox", "dots3", "dots4", "empty-part", "alice-sent", "bob-inbox", "bob-work"]
        #expect(expected.isSubset(of: subjects), "\(subjects)")
        #expect(Set(aliceItems.map(\.folder)).isSuperset(of: ["INBOX", "...", "....", ".a..b", "Sent"]))

        let alice = root + "/store/alice"
        let restores = [
            ["--to", "maildir:\(targets)/maildir"],
            ["--to", "mbox:\(targets)/link.mbox", "--folder", "INBOX"],
            ["--to", "mbox:\(targets)/link.mbox"],
            ["--to", "eml:\(targets)/eml"],
        ]
        for arguments in restores {
            let result = try Tools.run("brick-restore", [alice] + arguments + ["--progress", "never"])
            #expect(result.status != 0, "\(arguments): \(result.stdout)\(result.stderr)")
            #expect(result.stderr.contains("link") || result.stderr.contains("folders"), "\(arguments): \(result.stderr)")
        }
        #expect(Self.snapshot(root, excluding: outside) == before)
        let after = Self.snapshot(targets, excluding: [])
        for (path, entry) in seeded where entry.kind == S_IFLNK { #expect(after[path] == entry, "\(path)") }
    }
}
