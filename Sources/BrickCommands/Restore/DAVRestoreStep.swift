import BrickCore
import BrickDAV
import BrickRestore
import BrickStore
import Foundation

/// `brick-restore … --to caldav:URL | carddav:URL | dav:URL`: puts calendar and
/// contact items back into a user's home on a CalDAV/CardDAV server. The login is
/// `--admin-user` when given (with `--dav-authorize-as` acting for the target user
/// through Cyrus's `Authorize-As`), else the target user; the password comes from
/// `--password-file` or `--password-env`.
struct DAVRestoreStep {
    var url: String
    var kinds: Set<DAVCollection.Kind>
    var targetUser: String
    var restoreRoot: String?
    var overwrite: Bool
    /// True when `--admin-user` acts for the target user with `Authorize-As`.
    var authorizeAs = false
    var imap: IMAPOptions
    var output: OutputOptions
    /// Put before the summary line (a restore across users names the user).
    var summaryPrefix = ""

    /// Runs the restore and prints its summary; returns whether some items failed.
    func run(store: UserStore, query: ItemQuery) async throws -> Bool {
        let endpoint: DAVEndpoint
        do {
            endpoint = try DAVEndpoint(url: url, caFile: imap.caFile, insecure: imap.insecure, readTimeout: imap.timeout).forUser(targetUser)
        } catch {
            throw UsageError("--to: \(error)")
        }
        InsecureWarning.printForDAV(url: url, insecure: imap.insecure)
        let password = imap.passwordFile != nil || imap.passwordEnv != nil ? try imap.password() : nil
        if authorizeAs && imap.adminUser == nil { throw UsageError("--dav-authorize-as needs --admin-user, the admin that acts for --user") }
        let actingFor = authorizeAs ? targetUser : nil
        let credentials = password.map { DAVCredentials(user: imap.adminUser ?? targetUser, password: $0, authorizeAs: actingFor) }
        let progress = RestoreProgress()
        let started = Date()
        let display = ProgressDisplay.restore(progress, output: output, showingBytes: false)
        let logger = CommandLogging.logger(level: output.logLevel, progress: display)
        let client = DAVClient(endpoint: endpoint, user: targetUser, credentials: credentials, logger: logger)
        let job = DAVRestoreJob(
            store: store, query: query, target: DAVTarget(client: client), kinds: kinds, restoreRoot: restoreRoot,
            overwrite: overwrite, logger: logger, progress: progress)
        let report = try await job.run()
        display?.finish()
        for failure in report.failures { Terminal.printError("failed: \(summaryPrefix)\(failure)") }
        let replaced = overwrite ? "replaced \(Formatting.count(report.replaced)), " : ""
        Terminal.write("\(summaryPrefix)restored \(Formatting.count(report.restored)), \(replaced)already there \(Formatting.count(report.skippedDuplicates)), "
            + "failed \(Formatting.count(report.failures.count - report.foldersFailed))"
            + (report.foldersFailed > 0 ? ", collections refused \(report.foldersFailed) (\(Formatting.count(report.itemsNotTried)) items not tried)" : "")
            + (report.notApplicable > 0 ? ", not calendar or contact items of this target \(Formatting.count(report.notApplicable))" : "")
            + "; \(Formatting.bytes(report.bytes)) into \(report.folders) collections in \(Formatting.duration(Date().timeIntervalSince(started)))\n")
        return !report.failures.isEmpty
    }
}
