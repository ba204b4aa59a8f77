import BrickCore
import Foundation

/// A user's mail and calendars/contacts as one source: the mail source's folders and
/// the DAV source's `Calendars/…` and `Contacts/…` folders, each folder synchronized
/// by the source that listed it.
///
/// With a mail source, a DAV server that cannot be listed does not fail the user: it
/// is one skipped entry (the run is partial) and the stored calendar folders stay as
/// they were, since the listing then speaks for mail folders only.
public final class CombinedSource: MailSource, @unchecked Sendable {
    private let mail: (any MailSource)?
    private let dav: any MailSource
    private let davDescription: String
    private let lock = NSLock()
    private var davListed = false
    private var davFailures: [SkippedEntry] = []

    /// Combines `mail` (nil: calendars and contacts alone) with `dav`, named in
    /// reports as `davDescription` (a URL without credentials).
    public init(mail: (any MailSource)?, dav: any MailSource, davDescription: String) {
        self.mail = mail
        self.dav = dav
        self.davDescription = davDescription
    }

    /// The mail source's settings reader, when it has one.
    public var settingsSource: (any SettingsSource)? { mail as? any SettingsSource }

    public func listFolders() async throws -> [SourceFolder] {
        let mailFolders = try await mail?.listFolders() ?? []
        do {
            let davFolders = try await dav.listFolders()
            lock.withLock { davListed = true }
            let mailPaths = Set(mailFolders.map(\.path))
            let shadowed = davFolders.filter { mailPaths.contains($0.path) }
            if !shadowed.isEmpty {
                // Reported, so the run is partial rather than silently without them.
                lock.withLock {
                    davFailures += shadowed.map {
                        SkippedEntry(folder: nil, name: $0.path.description,
                                     reason: .sourceFailed("a mail folder of the same name is backed up in its place"))
                    }
                }
            }
            return mailFolders + davFolders.filter { !mailPaths.contains($0.path) }
        } catch {
            guard mail != nil else { throw error }
            if error is CancellationError || Task.isCancelled { throw error }
            lock.withLock {
                davListed = false
                davFailures.append(SkippedEntry(folder: nil, name: "calendars and contacts at \(davDescription)", reason: .sourceFailed("\(error)")))
            }
            return mailFolders
        }
    }

    public func synchronize(_ folder: SourceFolder, from state: FolderSyncState, into sink: any ChangeSink) async throws {
        if folder.dav != nil {
            try await dav.synchronize(folder, from: state, into: sink)
        } else if let mail {
            try await mail.synchronize(folder, from: state, into: sink)
        }
    }

    public func close() async {
        await mail?.close()
        await dav.close()
    }

    public func takeSkippedEntries() -> [SkippedEntry] {
        let own = lock.withLock {
            defer { davFailures = [] }
            return davFailures
        }
        return (mail?.takeSkippedEntries() ?? []) + dav.takeSkippedEntries() + own
    }

    public func abort() async {
        await mail?.abort()
        await dav.abort()
    }

    public func auditToken(for stored: String?) -> String? {
        mail?.auditToken(for: stored)
    }

    public func listedScope() -> FolderScope {
        var scope: FolderScope = mail == nil ? [] : .mail
        if lock.withLock({ davListed }) { scope.insert(.dav) }
        return scope
    }
}
