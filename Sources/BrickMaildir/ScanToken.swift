import Glibc

/// The change evidence of one of a folder's `cur/` or `new/` directories.
struct DirectoryStamp: Equatable, Sendable {
    /// Modification time in nanoseconds: changes whenever a file is added, removed or
    /// renamed (a flag change is a rename).
    var modified: Int64
    /// Status change time in nanoseconds: moves with the mtime and cannot be set back
    /// by tools that restore mtimes (`rsync -a`, `cp -p`, `touch -d`).
    var changed: Int64
    /// The inode: a directory deleted and created again gets a different one.
    var inode: UInt64

    /// The stamp of an open directory.
    static func read(_ directory: NoFollowDirectory) throws -> DirectoryStamp {
        var info = stat()
        try POSIX.posixCall("fstat", path: directory.path) { fstat(directory.descriptor, &info) }
        return DirectoryStamp(modified: info.st_mtim.nanoseconds, changed: info.st_ctim.nanoseconds, inode: UInt64(info.st_ino))
    }

    var text: String { "\(modified):\(changed):\(inode)" }

    init(modified: Int64, changed: Int64, inode: UInt64) {
        self.modified = modified
        self.changed = changed
        self.inode = inode
    }

    init?(text: Substring) {
        let parts = text.split(separator: ":")
        guard parts.count == 3, let modified = Int64(parts[0]), let changed = Int64(parts[1]),
              let inode = UInt64(parts[2])
        else { return nil }
        self.init(modified: modified, changed: changed, inode: inode)
    }
}

/// The Maildir source's sync token: what `cur/` and `new/` looked like at the start
/// of the last complete scan.
///
/// Text form: `maildir-v1 cur=MTIME:CTIME:INODE new=MTIME:CTIME:INODE n=COUNT settled=0|1`,
/// times in nanoseconds since 1970, `-` for a directory that did not exist, COUNT the
/// number of message files in both. Any file added, removed or renamed (flags live in
/// the name) changes the directory's mtime and ctime, so an equal token means an
/// unchanged folder. File systems keep times with a coarse clock, so a change within
/// the same tick as the scan could leave the times as they were: a token whose times
/// were within two seconds of the scan is recorded with `settled=0` and never trusted.
struct ScanToken: Equatable, Sendable {
    /// The format tag, bumped when the meaning changes.
    static let version = "maildir-v1"
    /// How close to the scan a directory time must not be for the token to be trusted.
    static let defaultSettleNanoseconds: Int64 = 2_000_000_000

    var cur: DirectoryStamp?
    var new: DirectoryStamp?
    var count: Int
    var settled: Bool

    init(cur: DirectoryStamp?, new: DirectoryStamp?, count: Int, scanStart: Int64, settleNanoseconds: Int64) {
        self.cur = cur
        self.new = new
        self.count = count
        let newest = [cur, new].compactMap { $0 }.flatMap { [$0.modified, $0.changed] }.max() ?? 0
        settled = newest < scanStart - settleNanoseconds
    }

    init?(parsing text: String) {
        let fields = text.split(separator: " ")
        guard fields.count == 5, fields[0] == ScanToken.version,
              fields[1].hasPrefix("cur="), fields[2].hasPrefix("new="), fields[3].hasPrefix("n="),
              fields[4].hasPrefix("settled="), let count = Int(fields[3].dropFirst(2))
        else { return nil }
        func stamp(_ field: Substring) -> DirectoryStamp?? {
            let value = field.dropFirst(4)
            if value == "-" { return .some(nil) }
            return DirectoryStamp(text: value).map { .some($0) }
        }
        guard let cur = stamp(fields[1]), let new = stamp(fields[2]) else { return nil }
        self.cur = cur
        self.new = new
        self.count = count
        settled = fields[4].dropFirst(8) == "1"
    }

    var text: String {
        "\(ScanToken.version) cur=\(cur?.text ?? "-") new=\(new?.text ?? "-") n=\(count) settled=\(settled ? 1 : 0)"
    }

    /// True when `self` (the old token) proves that a folder now stamped `current` has
    /// not changed.
    func provesUnchanged(_ current: ScanToken) -> Bool {
        settled && current.settled && cur == current.cur && new == current.new && count == current.count
    }

    /// Nanoseconds since 1970, now.
    static func now() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return time.nanoseconds
    }
}
