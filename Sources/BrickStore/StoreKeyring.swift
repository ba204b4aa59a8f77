import Foundation

/// The secrets this process was given to unlock sealed stores (a key file, a
/// passphrase), and the store keys they unwrapped, by store root. The command layer
/// hands it a loader of the environment's secrets, which runs the first time a sealed
/// store asks for its key and never for a plain store; every store opened later finds
/// its key here (docs/DESIGN.md "Encryption at rest").
public final class StoreKeyring: @unchecked Sendable {
    /// The process's keyring.
    public static let shared = StoreKeyring()

    private let lock = NSLock()
    private var secrets: [StoreKeySecret] = []
    private var keys: [String: StoreKey] = [:]
    private var loader: (@Sendable () throws -> [StoreKeySecret])?
    private var loaderFailure: StoreError?

    /// An empty keyring.
    public init() {}

    /// Adds a secret to try on store keys.
    public func add(_ secret: StoreKeySecret) {
        lock.lock()
        defer { lock.unlock() }
        secrets.append(secret)
    }

    /// Sets where the secrets come from, read only when a sealed store first needs its
    /// key. A loader's error is reported (as `.unusableSecret` unless it is a
    /// `StoreError`) by that call and every later one.
    public func setLoader(_ loader: @escaping @Sendable () throws -> [StoreKeySecret]) {
        lock.lock()
        defer { lock.unlock() }
        self.loader = loader
        loaderFailure = nil
    }

    /// Runs the loader once, with the lock held.
    private func runLoader() throws(StoreError) {
        if let loaderFailure { throw loaderFailure }
        guard let loader else { return }
        self.loader = nil
        do {
            secrets += try loader()
        } catch {
            let failure = (error as? StoreError) ?? .unusableSecret(detail: "\(error)")
            loaderFailure = failure
            throw failure
        }
    }

    /// Whether `root` holds a wrapped store key, that is: new user stores there are sealed.
    public static func isSealedRoot(_ root: URL) -> Bool {
        FileManager.default.fileExists(atPath: root.appendingPathComponent(WrappedStoreKey.fileName).path)
    }

    /// The store key of `root`: nil when no secret was given; throws when the root has
    /// no wrapped key or none of the secrets opens it.
    public func key(forRoot root: URL, user: String) throws(StoreError) -> StoreKey? {
        let url = root.standardizedFileURL.appendingPathComponent(WrappedStoreKey.fileName)
        lock.lock()
        defer { lock.unlock() }
        if let key = keys[url.path] { return key }
        try runLoader()
        guard !secrets.isEmpty else { return nil }
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            throw .sealing(detail: "the store is sealed but its store key \(url.path) cannot be read")
        }
        let wrapped = try WrappedStoreKey(text: text, path: url.path)
        for secret in secrets {
            if let key = try wrapped.unwrap(with: secret) {
                keys[url.path] = key
                return key
            }
        }
        throw .wrongKey(path: url.path)
    }
}
