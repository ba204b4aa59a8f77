import BrickCore
import BrickStore
import BrickSync
import Foundation
import Logging

/// Audits many users, `workers` at a time, and hands each user's outcome over in the
/// order of `users`: a user finished early waits for the ones before it, so the output
/// of `-j 8` is the output of `-j 1`.
struct AuditUsers {
    /// One user's audit: the report, or the one line saying why it could not be done.
    enum Outcome: Sendable {
        case report(AuditReport)
        case failed(user: String, message: String)
    }

    let root: URL
    let factory: SourceFactory
    let selection: FolderSelection
    let samplePercent: Double
    let logger: Logger
    let workers: Int

    /// Runs the audits; `emit` is called once per user, in the order of `users`.
    func run(_ users: [String], emit: (Outcome) -> Void) async {
        await withTaskGroup(of: (Int, Outcome).self) { group in
            var next = 0
            var pending: [Int: Outcome] = [:]
            var emitted = 0
            func start() {
                guard next < users.count else { return }
                let index = next
                let user = users[index]
                next += 1
                group.addTask { (index, await audit(user)) }
            }
            for _ in 0..<max(1, workers) { start() }
            while let (index, outcome) = await group.next() {
                pending[index] = outcome
                while let ready = pending.removeValue(forKey: emitted) {
                    emit(ready)
                    emitted += 1
                }
                start()
            }
        }
    }

    /// Audits one user against its store, opened read-only.
    private func audit(_ user: String) async -> Outcome {
        do {
            let layout = try StoreLayout(root: root, user: user)
            guard FileManager.default.fileExists(atPath: layout.catalog.path) else {
                throw UsageError("no store under \(root.path): nothing of this user is backed up")
            }
            let store = try UserStore(layout: layout, user: user, mode: .readOnly)
            let source = try await factory.makeSource(user: user, logger: logger)
            let report: AuditReport
            do {
                report = try await MailboxAudit(store: store, source: source, selection: selection, samplePercent: samplePercent, logger: logger).run()
            } catch {
                await source.close()
                throw error
            }
            await source.close()
            return .report(report)
        } catch {
            return .failed(user: user, message: "\(error)")
        }
    }
}
