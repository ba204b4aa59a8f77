import BrickCore
import BrickStore
import Foundation

/// Writes setting versions as a table, CSV or JSON: kind, folder, name, size, when
/// stored (changed), when replaced or removed upstream (deleted), and a short value
/// (an ACL's rights, the active script's name, an annotation of up to 60 characters).
enum SettingListing {
    static let columns = ["kind", "folder", "name", "size", "changed", "deleted", "value"]

    static func write(_ versions: [StoredSetting], format: ListingFormat) {
        switch format {
        case .table:
            var lines = [row(columns.map { $0.uppercased() })]
            for version in versions {
                let setting = version.setting
                lines.append(row([
                    setting.kind.rawValue, setting.folder?.description ?? "", displayName(setting), Formatting.bytes(Int64(setting.content.count)),
                    Formatting.date(version.addedAt), version.replacedAt.map(Formatting.date) ?? "", value(setting),
                ]))
            }
            lines.append("\(Formatting.count(versions.count)) setting versions")
            Terminal.write(lines.joined(separator: "\n") + "\n")
        case .csv:
            var text = CSV.record(columns, lineEnd: "\n")
            for version in versions {
                let setting = version.setting
                text += CSV.record([
                    setting.kind.rawValue, setting.folder?.description ?? "", setting.name, "\(setting.content.count)",
                    Formatting.isoDate(version.addedAt), Formatting.isoDate(version.replacedAt), value(setting),
                ], lineEnd: "\n")
            }
            Terminal.write(text)
        case .json:
            let objects: [[String: Any]] = versions.map { version in
                let setting = version.setting
                return [
                    "kind": setting.kind.rawValue, "folder": setting.folder?.description ?? NSNull(), "name": setting.name,
                    "size": setting.content.count, "changed": Formatting.isoDate(version.addedAt),
                    "deleted": version.replacedAt.map(Formatting.isoDate) ?? NSNull(), "value": value(setting),
                    "sha256": version.sha256.map { String(format: "%02x", $0) }.joined(),
                ]
            }
            let data = (try? JSONSerialization.data(withJSONObject: objects, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])) ?? Data()
            Terminal.write(String(decoding: data, as: UTF8.self) + "\n")
        }
    }

    /// The name, with the active-script marker spelled out.
    private static func displayName(_ setting: MailSetting) -> String {
        setting.kind == .sieve && setting.name == MailSetting.activeScriptName ? "(active script)" : setting.name
    }

    /// A short text of the content, for kinds whose content is short text.
    static func value(_ setting: MailSetting) -> String {
        switch setting.kind {
        case .sieve: return setting.name == MailSetting.activeScriptName ? setting.text : ""
        case .acl: return setting.text
        case .subscriptions: return ""
        case .metadata:
            guard let text = String(validating: setting.content, as: UTF8.self), text.count <= 60 else { return "" }
            return text
        }
    }

    private static func row(_ fields: [String]) -> String {
        let widths = [14, 22, 28, 9, 16, 16, 30]
        return zip(fields, widths).map { field, width in
            let clean = field.replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\t", with: " ")
            let clipped = Formatting.clip(clean, width)
            return clipped + String(repeating: " ", count: max(0, width - clipped.count))
        }.joined(separator: " ").trimmingCharacters(in: .whitespaces)
    }
}
