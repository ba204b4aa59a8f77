import BrickCore
import BrickStore
import Foundation

/// Which settings a restore puts back.
public struct SettingsSelection: Sendable {
    /// The kinds; all by default.
    public var kinds: Set<SettingKind> = Set(SettingKind.allCases)
    /// Only settings of these folders (and subscriptions to them); empty: all, with the
    /// account's own (scripts, server-level annotations).
    public var folders: [FolderPath] = []
    /// Include the subfolders of `folders`.
    public var recursive = false
    /// The settings as they were after the last backup on or before this date; nil: the latest.
    public var asOf: Date?

    /// Creates the selection of every current setting.
    public init() {}

    func includes(_ setting: MailSetting) -> Bool {
        guard kinds.contains(setting.kind) else { return false }
        guard !folders.isEmpty else { return true }
        let folder = setting.kind == .subscriptions ? FolderPath(parsing: setting.name) : setting.folder
        guard let folder else { return false }
        return folders.contains { folder == $0 || (recursive && folder.isWithin($0)) }
    }
}

/// Puts a user's settings back into a target (docs/DESIGN.md, "Settings"): selects
/// them from the store, maps them to the target user and the restore root, and lets the
/// target write them; the target skips what it holds already, so a rerun changes nothing.
public struct SettingsRestore: Sendable {
    private let store: UserStore
    private let selection: SettingsSelection
    private let targetUser: String
    private let restoreRoot: FolderPath?

    /// Prepares a restore of `store`'s settings for `targetUser` (ACL entries naming the
    /// backed-up user are given to it), under `restoreRoot` when given.
    public init(store: UserStore, selection: SettingsSelection, targetUser: String, restoreRoot: FolderPath?) {
        self.store = store
        self.selection = selection
        self.targetUser = targetUser
        self.restoreRoot = restoreRoot
    }

    /// The stored versions the selection picks, as stored.
    public func selected() throws -> [StoredSetting] {
        try store.settings(asOf: selection.asOf).filter { selection.includes($0.setting) }
    }

    /// The selected settings as the target receives them.
    public func mapped() throws -> [MailSetting] {
        try selected().map { map($0.setting) }
    }

    /// Writes the selected settings into `target`.
    public func run(into target: any SettingsTarget, overwrite: Bool) async throws -> SettingsWriteReport {
        try await target.writeSettings(try mapped(), overwrite: overwrite)
    }

    private func map(_ original: MailSetting) -> MailSetting {
        var setting = original
        if let restoreRoot {
            if let folder = setting.folder { setting.folder = restoreRoot.appending(folder) }
            if setting.kind == .subscriptions { setting.name = restoreRoot.appending(FolderPath(parsing: setting.name)).description }
        }
        if setting.kind == .acl, store.user != targetUser {
            if setting.name == store.user { setting.name = targetUser }
            if setting.name == "-" + store.user { setting.name = "-" + targetUser }
        }
        return setting
    }
}
