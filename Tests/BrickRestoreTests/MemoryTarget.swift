import BrickCore
import BrickMessage
import Foundation

/// A restore target in memory that records what was done to it, in order.
actor MemoryTarget: RestoreTarget {
    /// One message held.
    struct Message: Equatable {
        var copy: ExistingCopy
        var key: ItemKey
        var fingerprint: MessageFingerprint
        var flags: ItemFlags
        var digest: String
    }

    /// Why an append or a removal failed.
    struct Refused: Error {}

    private(set) var messages: [FolderPath: [Message]] = [:]
    /// `append KEY` and `remove LOCATOR` entries, in the order they happened.
    private(set) var log: [String] = []
    private var nextCopy = 1
    private var failingKeys: Set<ItemKey> = []
    private var refusedFolders: Set<FolderPath> = []
    private let canRemove: Bool

    /// Creates an empty target; without `canRemove`, `checkCanRemove` throws.
    init(canRemove: Bool = true) {
        self.canRemove = canRemove
    }

    /// Makes later appends of `keys` fail.
    func failAppends(of keys: Set<ItemKey>) {
        failingKeys = keys
    }

    /// Makes later `prepareFolder` calls for `paths` fail, as a server refusing CREATE.
    func refuseFolders(_ paths: Set<FolderPath>) {
        refusedFolders = paths
    }

    func prepareFolder(_ path: FolderPath, specialUse: SpecialUse?) async throws {
        if refusedFolders.contains(path) { throw Refused() }
        if messages[path] == nil { messages[path] = [] }
    }

    func contentDigests(of copies: [ExistingCopy], in path: FolderPath) async throws -> [ExistingCopy: String] {
        var digests: [ExistingCopy: String] = [:]
        for message in messages[path] ?? [] where copies.contains(message.copy) { digests[message.copy] = message.digest }
        return digests
    }

    func existingMessages(in path: FolderPath) async throws -> [MessageFingerprint: [ExistingCopy]] {
        var result: [MessageFingerprint: [ExistingCopy]] = [:]
        for message in messages[path] ?? [] { result[message.fingerprint, default: []].append(message.copy) }
        return result
    }

    func append(_ items: [RestoreItem], to path: FolderPath) async throws -> [(any Error)?] {
        var results: [(any Error)?] = []
        for item in items {
            if failingKeys.contains(item.key) {
                results.append(Refused())
                continue
            }
            log.append("append \(item.key)")
            messages[path, default: []].append(
                Message(copy: ExistingCopy(locator: "m\(nextCopy)"), key: item.key,
                        fingerprint: MessageFingerprint(restoring: item), flags: item.flags,
                        digest: MessageFingerprint.contentDigest(item.raw)))
            nextCopy += 1
            results.append(nil)
        }
        return results
    }

    func checkCanRemove() async throws {
        if !canRemove { throw Refused() }
    }

    func remove(_ copies: [ExistingCopy], from path: FolderPath) async throws {
        for copy in copies { log.append("remove \(copy)") }
        messages[path]?.removeAll { copies.contains($0.copy) }
    }

    func finish() async throws {}
}
