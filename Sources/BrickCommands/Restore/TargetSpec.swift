import BrickCore
import BrickDAV
import BrickIMAP
import BrickMaildir
import BrickRestore
import Foundation
import Logging

/// A parsed `--to`: `maildir:PATH`, `mbox:PATH`, `eml:DIR`, an IMAP URL, or for
/// calendar and contact items `ics:DIR` / `vcf:DIR` (one file per item with `split`).
enum TargetSpec: Sendable {
    case maildir(String)
    case mbox(String)
    case eml(String)
    case imap(String)
    /// A CalDAV/CardDAV home (`caldav:URL`, `carddav:URL`, `dav:URL`) and the kinds of
    /// collections it takes.
    case dav(String, kinds: Set<DAVCollection.Kind>)
    case calendarFiles(String, CalendarFileTarget.Format, split: Bool)

    /// Parses `--to`; `split` asks `ics:`/`vcf:` for one file per item.
    init(parsing text: String, split: Bool = false) throws {
        func path(_ prefix: String) throws -> String {
            let rest = String(text.dropFirst(prefix.count))
            guard !rest.isEmpty else { throw UsageError("--to \(prefix) needs a path") }
            return rest
        }
        if text.hasPrefix("maildir:") {
            self = .maildir(try path("maildir:"))
        } else if text.hasPrefix("mbox:") {
            self = .mbox(try path("mbox:"))
        } else if text.hasPrefix("eml:") {
            self = .eml(try path("eml:"))
        } else if text.hasPrefix("ics:") {
            self = .calendarFiles(try path("ics:"), .ics, split: split)
        } else if text.hasPrefix("vcf:") {
            self = .calendarFiles(try path("vcf:"), .vcf, split: split)
        } else if let prefix = ["caldav:", "carddav:", "dav:"].first(where: text.hasPrefix) {
            let kinds: Set<DAVCollection.Kind> = prefix == "caldav:" ? [.calendar] : prefix == "carddav:" ? [.addressbook] : [.calendar, .addressbook]
            self = .dav(try path(prefix), kinds: kinds)
        } else if text.hasPrefix("imap://") || text.hasPrefix("imaps://") {
            self = .imap(text)
        } else {
            throw UsageError("unknown --to '\(text)': use imap://HOST, imaps://HOST, maildir:PATH, mbox:PATH, eml:DIR, ics:DIR, vcf:DIR, caldav:URL, carddav:URL or dav:URL")
        }
    }

    /// Opens the target (connecting, for a server); a Maildir's settings go where
    /// `maildirSettings` says.
    func open(user: String, imap: IMAPOptions, maildirSettings: MaildirSettingsOptions? = nil, logger: Logger) async throws -> any RestoreTarget {
        switch self {
        case .maildir(let path):
            return MaildirTarget(
                root: URL(fileURLWithPath: path), sieveLocation: try maildirSettings?.sieveLocation(user: user),
                attributeDictionary: try maildirSettings?.attributeDictionary(user: user))
        case .mbox(let path): return MboxTarget(location: path)
        case .eml(let path): return EMLTarget(directory: path)
        case .dav:
            throw UsageError("a calendar or contact server is restored into by DAVRestoreStep")
        case .calendarFiles(let path, let format, let split): return CalendarFileTarget(directory: path, format: format, split: split)
        case .imap(let url):
            let settings = try IMAPConnectionSettings(url: url, options: imap)
            var target = IMAPTarget.Options()
            target.sievePort = settings.sievePort
            return IMAPTarget(endpoint: settings.endpoint, credentials: settings.credentials(for: user), options: target, logger: logger)
        }
    }
}
