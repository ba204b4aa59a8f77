import Foundation

/// What kind of setting a `MailSetting` is (docs/FORMAT.md §4, `settings.kind`).
public enum SettingKind: String, Sendable, Hashable, CaseIterable, Comparable {
    /// A Sieve script (name: the script's name, content: its bytes), or, with the empty
    /// name, which script is active (content: that script's name; absent: none is).
    case sieve
    /// One entry of a folder's access control list (name: the identifier as IMAP names
    /// it, `bob`, `anyone`, `$group`, `-bob`; content: the rights, `lrswi`).
    case acl
    /// A subscription (name: the subscribed folder's path in text form, FORMAT.md §2,
    /// whether or not the folder exists; content: empty).
    case subscriptions
    /// An annotation (RFC 5464; name: the entry, `/private/comment`; content: its value;
    /// no folder: a server-level entry).
    case metadata

    /// In declaration order.
    public static func < (lhs: SettingKind, rhs: SettingKind) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// One setting of a user besides messages, as a source reads it and a target writes it.
/// Its identity is (kind, folder, name); two settings of one identity never coexist.
public struct MailSetting: Sendable, Hashable {
    /// The kind.
    public var kind: SettingKind
    /// The folder it belongs to, or nil for one of the account (a Sieve script, a
    /// subscription, a server-level annotation).
    public var folder: FolderPath?
    /// The name within kind and folder (see `SettingKind`).
    public var name: String
    /// The value, byte for byte as the source gave it.
    public var content: [UInt8]

    /// Creates a setting.
    public init(kind: SettingKind, folder: FolderPath? = nil, name: String, content: [UInt8]) {
        self.kind = kind
        self.folder = folder
        self.name = name
        self.content = content
    }

    /// The name of the Sieve setting that tells which script is active.
    public static let activeScriptName = ""

    /// The content as text (ACL rights, the active script's name).
    public var text: String { String(decoding: content, as: UTF8.self) }
}

/// Where a source read one kind of setting, so that the store retires only what was
/// read: settings of a kind (or of a folder) the source could not read stay as they were.
public struct SettingScope: Sendable, Hashable {
    /// The kind read.
    public var kind: SettingKind
    /// The folder read, or nil for every folder and the account.
    public var folder: FolderPath?

    /// Creates a scope.
    public init(kind: SettingKind, folder: FolderPath? = nil) {
        self.kind = kind
        self.folder = folder
    }
}

/// Everything a source read of a user's settings in one run.
public struct SettingsSnapshot: Sendable {
    /// The settings found.
    public var settings: [MailSetting] = []
    /// What was read completely: a stored setting inside one of these scopes that is not
    /// in `settings` is gone upstream.
    public var scopes: Set<SettingScope> = []
    /// Of the scopes, folders whose settings of a kind could not be read (rights
    /// lacking, a folder vanished while read): their stored settings stay.
    public var unreadable: Set<SettingScope> = []
    /// What the source said about kinds it does not offer ("no ManageSieve") or could
    /// not read for want of rights, one line each, for the run's summary; not errors.
    public var notes: [String] = []
    /// Kinds or folders that failed to be read (a refused login, a broken
    /// connection), one line each: errors of the run. Their stored settings stay.
    public var failures: [String] = []

    /// Creates an empty snapshot.
    public init() {}

    /// Whether a setting of `kind` in `folder` was read in this snapshot.
    public func covers(kind: SettingKind, folder: FolderPath?) -> Bool {
        if let folder, unreadable.contains(SettingScope(kind: kind, folder: folder)) { return false }
        return scopes.contains(SettingScope(kind: kind)) || scopes.contains(SettingScope(kind: kind, folder: folder))
    }
}

/// A source that can read a user's settings besides messages. They have no change
/// sync: `readSettings` reads them whole each run (they are small); the store keeps a
/// new version only of what changed.
public protocol SettingsSource: Sendable {
    /// Reads every setting of the kinds the source offers. Failing for one kind or
    /// folder is reported in the snapshot (`unreadable`, `notes`), not thrown; a
    /// throw means nothing was read.
    func readSettings() async throws -> SettingsSnapshot

    /// Starts, ahead of `readSettings`, the part of the read that is slow to begin (a
    /// login on a connection of its own), so that it overlaps the folder sync. The next
    /// `readSettings` takes what it read; failures are reported there as always.
    func prepareSettings()

    /// Stops and drops what `prepareSettings` started, for a backup that ends without
    /// reading settings (it failed or was cancelled).
    func discardPreparedSettings()
}

extension SettingsSource {
    /// Nothing to start ahead: `readSettings` does all the work.
    public func prepareSettings() {}

    /// Nothing was started ahead.
    public func discardPreparedSettings() {}
}

/// A target that can write settings back.
public protocol SettingsTarget: Sendable {
    /// Writes `settings` (already mapped to the target user), each only when the target
    /// does not hold it with the same content already, so writing twice changes
    /// nothing. A setting the target refuses is reported by name in the result and the
    /// others go on. With `overwrite`, a Sieve script of the same name and other content
    /// is replaced; without, it is written under a suffixed name.
    func writeSettings(_ settings: [MailSetting], overwrite: Bool) async throws -> SettingsWriteReport
}

/// What a target did with settings.
public struct SettingsWriteReport: Sendable {
    /// Settings written.
    public var written: [MailSetting] = []
    /// Settings the target already held as they are.
    public var unchanged = 0
    /// Scripts written under another name, with that name.
    public var renamed: [(original: String, written: String)] = []
    /// Settings refused, one line each naming kind, folder and name, with the reason.
    public var failures: [String] = []
    /// Settings of a form the target never keeps (Dovecot has no server-level
    /// `/shared` annotations), one line each naming the setting: not restored, and the
    /// others go on.
    public var notKept: [String] = []
    /// Kinds the target does not take, said once each.
    public var notes: [String] = []

    /// Creates an empty report.
    public init() {}
}
