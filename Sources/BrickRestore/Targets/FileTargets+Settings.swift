import BrickCore
import Foundation

/// An .eml target keeps settings in `DIR/%settings` (see `SettingsFiles`).
extension EMLTarget: SettingsTarget {
    /// Writes the settings beside the folders.
    public nonisolated func writeSettings(_ settings: [MailSetting], overwrite: Bool) async throws -> SettingsWriteReport {
        try await SettingsFiles(base: directory, name: SettingsFiles.directoryName).writeSettings(settings, overwrite: overwrite)
    }
}

/// An mbox target keeps settings in `PATH/%settings` for a directory of mbox files, and
/// in `PATH.settings` beside a single mbox file (see `SettingsFiles`).
extension MboxTarget: SettingsTarget {
    /// Writes the settings beside the mbox files.
    public nonisolated func writeSettings(_ settings: [MailSetting], overwrite: Bool) async throws -> SettingsWriteReport {
        let parent = PathText.parent(of: location)
        let files = isSingleFile
            ? SettingsFiles(base: parent.isEmpty ? "." : parent, name: (location as NSString).lastPathComponent + ".settings")
            : SettingsFiles(base: location, name: SettingsFiles.directoryName)
        return try await files.writeSettings(settings, overwrite: overwrite)
    }
}
