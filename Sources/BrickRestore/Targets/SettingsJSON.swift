import BrickCore
import Foundation

/// The JSON form of settings in `SettingsFiles`' documents (docs/DESIGN.md, "Settings").
enum SettingsJSON {
    /// One entry of a kind's document.
    static func entry(_ setting: MailSetting) -> [String: Any] {
        let folder: Any = setting.folder.map { $0.description } ?? NSNull()
        switch setting.kind {
        case .acl:
            return ["folder": folder, "identifier": setting.name, "rights": setting.text]
        case .subscriptions:
            return ["folder": setting.name]
        case .metadata:
            if let text = String(validating: setting.content, as: UTF8.self) {
                return ["folder": folder, "entry": setting.name, "value": text]
            }
            return ["folder": folder, "entry": setting.name, "value_base64": Data(setting.content).base64EncodedString()]
        case .sieve:
            return ["name": setting.name]
        }
    }

    /// What makes two entries of a kind the same setting.
    static func identity(of entry: [String: Any], kind: SettingKind) -> String {
        let folder = entry["folder"] as? String ?? ""
        switch kind {
        case .acl: return folder + "\u{0}" + (entry["identifier"] as? String ?? "")
        case .metadata: return folder + "\u{0}" + (entry["entry"] as? String ?? "")
        case .subscriptions, .sieve: return folder
        }
    }

    /// The document of a kind: entries sorted by identity; subscriptions as a list of paths.
    static func document(_ entries: [String: [String: Any]], kind: SettingKind) -> Any {
        let sorted = entries.sorted { $0.key < $1.key }.map(\.value)
        return kind == .subscriptions ? sorted.compactMap { $0["folder"] as? String } : sorted
    }
}
