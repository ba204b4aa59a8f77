import Foundation
import Testing

/// Helpers of the off-site tests: Maildir changes, exports and imports through the
/// built executables.
struct OffsiteWorkspace {
    let work: Workspace

    /// A new workspace whose user alice has three bundles: a full one, then two
    /// incremental ones, each after one new message (named with `tag`).
    static func chainOfThree(tag: String) throws -> OffsiteWorkspace {
        let site = OffsiteWorkspace(work: try Workspace())
        let mail = MaildirChanges(root: site.work.maildir("alice"))
        try site.backup()
        try site.export()
        for index in 1...2 {
            try mail.addMessage(name: "180000000\(index).M\(index)P1.\(tag)", subject: "change \(index)")
            try site.backup()
            try site.export()
        }
        return site
    }

    var bundles: URL { work.url.appendingPathComponent("bundles") }
    var replica: URL { work.url.appendingPathComponent("replica") }

    func backup(_ users: [String] = ["alice"]) throws {
        let result = try Tools.run(
            "brick-backup", ["backup", "--source", work.source, "--store", work.store.path, "--progress", "never"] + users.flatMap { ["-u", $0] })
        guard result.status == 0 else { throw Failed(what: "backup", result: result) }
    }

    /// Exports to the bundle directory; in clear unless `extra` names recipients.
    @discardableResult
    func export(_ extra: [String] = []) throws -> Tools.Result {
        let encryption = extra.contains("--encrypt-to") ? [] : ["--no-encrypt"]
        let result = try Tools.run(
            "brick-backup", ["export", "--target", "offsite", "--to", bundles.path, "--store", work.store.path, "--progress", "never"]
                + encryption + extra)
        guard result.status == 0 else { throw Failed(what: "export", result: result) }
        return result
    }

    func importing(_ sources: [String], into replica: URL? = nil, _ extra: [String] = []) throws -> Tools.Result {
        try Tools.run("brick-backup", ["import"] + sources + ["--store", (replica ?? self.replica).path, "--progress", "never"] + extra)
    }

    func purge() throws {
        let result = try Tools.run("brick-backup", ["purge", "--older-than", "0", "--store", work.store.path])
        guard result.status == 0 else { throw Failed(what: "purge", result: result) }
    }

    /// The bundle files of `user`, in sequence.
    /// Backs up, exports, and returns alice's first bundle file with its bytes.
    func firstExportedBundle() throws -> (file: URL, bytes: [UInt8]) {
        try backup()
        try export()
        let file = try #require(try bundleFiles("alice").first)
        return (file, [UInt8](try Data(contentsOf: file)))
    }

    func bundleFiles(_ user: String) throws -> [URL] {
        let directory = bundles.appendingPathComponent(user)
        return try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".bundle") }.sorted()
            .map { directory.appendingPathComponent($0) }
    }

    /// Imports the bundle directory into the replica, expects alice's replica to equal
    /// the primary and to verify with no orphan, and returns its items, deleted included.
    func importAndCompareAlice(sourceLocation: SourceLocation = #_sourceLocation) throws -> [IndexedItem] {
        let imported = try importing([bundles.path])
        #expect(imported.status == 0, "\(imported.stdout)\(imported.stderr)", sourceLocation: sourceLocation)
        let differences = try differences("alice")
        #expect(differences.isEmpty, "\(differences.joined(separator: "\n"))", sourceLocation: sourceLocation)
        let replicaStore = replica.appendingPathComponent("alice")
        let verify = try Tools.run("brick-backup", ["verify", replicaStore.path, "--progress", "never"])
        #expect(verify.status == 0 && verify.stdout.contains("0 orphans"), "\(verify.stdout)\(verify.stderr)", sourceLocation: sourceLocation)
        return try index(replicaStore, ["--deleted", "yes"])
    }

    /// Differences between the primary's and the replica's store of `user`.
    func differences(_ user: String, replica: URL? = nil) throws -> [String] {
        try StoreComparison.differences(work.store.appendingPathComponent(user), (replica ?? self.replica).appendingPathComponent(user))
    }

    struct Failed: Error, CustomStringConvertible {
        var what: String
        var result: Tools.Result
        var description: String { "\(what) exited \(result.status): \(result.stdout)\(result.stderr)" }
    }
}

extension OffsiteWorkspace {
    /// A workspace whose alice is on `server`: the fixture Maildir backed up and restored
    /// into it; returns it with the arguments of a backup of alice from the server.
    static func onServer(_ server: IMAPServerFixture) throws -> (site: OffsiteWorkspace, backup: [String]) {
        let site = OffsiteWorkspace(work: try Workspace())
        let work = site.work
        let fixtures = work.url.appendingPathComponent("fixture-store")
        let stored = try Tools.run("brick-backup", ["backup", "--source", work.source, "-u", "alice", "--store", fixtures.path])
        guard stored.status == 0 else { throw Failed(what: "backup of the fixture", result: stored) }
        let fill = try Tools.run(
            "brick-restore", [fixtures.appendingPathComponent("alice").path, "--to", server.url] + server.adminArguments + ["--progress", "never"])
        guard fill.status == 0 else { throw Failed(what: "restore into the server", result: fill) }
        return (site, ["backup", "--source", server.url, "-u", "alice", "--store", work.store.path, "--progress", "never"] + server.adminArguments)
    }

    /// Backs up alice and bob, exports, and changes alice's Maildir three times (flags,
    /// new mail, deletions, a copy stored once, a folder renamed, deleted and moved to
    /// another parent) with a purge before the third export.
    static func primaryWithFourExports(_ exportArguments: (OffsiteWorkspace) throws -> [String] = { _ in [] }) throws -> OffsiteWorkspace {
        let site = OffsiteWorkspace(work: try Workspace())
        let extra = try exportArguments(site)
        let mail = MaildirChanges(root: site.work.maildir("alice"))
        try site.backup(["alice", "bob"])
        try site.export(extra)

        let inbox = try mail.messages()
        try mail.setFlags(inbox[0], "FS")
        try mail.addMessage(name: "1800000001.M1P1.offsite", subject: "first change")
        try mail.remove(inbox[1])
        try mail.copy(inbox[2], to: ".Sent", as: "1800000002.M2P1.offsite")
        try mail.renameFolder(".Archive.2025.Q1", ".Archive.2025.Q1 old")
        try site.backup(["alice", "bob"])
        try site.export(extra)

        try mail.remove(inbox[2])
        try mail.removeFolder(".Drafts")
        try mail.renameFolder(".Archive.2025.Q1 old", ".Projects.Q1")
        try site.backup(["alice", "bob"])
        try site.purge()
        try site.export(extra)

        try mail.addMessage(name: "1800000003.M3P1.offsite", subject: "third change", in: ".Sent")
        try mail.setFlags(inbox[3], "RS")
        let cyrillic = try mail.messages(in: ".&BB4EQgRHBFEEQgRL-")
        if let first = cyrillic.first { try mail.remove(first, in: ".&BB4EQgRHBFEEQgRL-") }
        try site.backup(["alice", "bob"])
        try site.export(extra)
        return site
    }
}

/// Changes to a Maildir, as a mail client or Dovecot would make them.
struct MaildirChanges {
    let root: URL
    private var fm: FileManager { .default }

    /// Message files of a folder's cur/ (name, without the folder).
    func messages(in folder: String = "") throws -> [String] {
        try fm.contentsOfDirectory(atPath: root.appendingPathComponent(folder + "/cur").path).filter { !$0.hasPrefix(".") }.sorted()
    }

    func addMessage(name: String, subject: String, in folder: String = "") throws {
        try Data("From: new@example.org\r\nSubject: \(subject)\r\nMessage-ID: <\(name)@e2e>\r\n\r\nhello\r\n".utf8)
            .write(to: root.appendingPathComponent(folder + "/new/\(name)"))
    }

    func setFlags(_ file: String, _ flags: String, in folder: String = "") throws {
        let base = file.split(separator: ":", maxSplits: 1)[0]
        try fm.moveItem(atPath: root.appendingPathComponent(folder + "/cur/\(file)").path,
                        toPath: root.appendingPathComponent(folder + "/cur/\(base):2,\(flags)").path)
    }

    func remove(_ file: String, in folder: String = "") throws {
        try fm.removeItem(at: root.appendingPathComponent(folder + "/cur/\(file)"))
    }

    func copy(_ file: String, from folder: String = "", to target: String, as name: String) throws {
        try fm.copyItem(at: root.appendingPathComponent(folder + "/cur/\(file)"), to: root.appendingPathComponent(target + "/cur/\(name):2,S"))
    }

    /// Renames a Maildir++ folder directory (Dovecot keeps its dovecot-uidlist, so the
    /// backup sees a rename, or a move when the parent changes).
    func renameFolder(_ from: String, _ to: String) throws {
        try fm.moveItem(at: root.appendingPathComponent(from), to: root.appendingPathComponent(to))
    }

    func removeFolder(_ folder: String) throws {
        try fm.removeItem(at: root.appendingPathComponent(folder))
    }
}
