import BrickStore
import Foundation

/// The secrets that unlock sealed stores, taken from the environment only (never from
/// the command line, where `ps` shows them): `BRICK_STORE_KEY_FILE` names a key file,
/// `BRICK_STORE_PASSPHRASE_FILE` a file holding the passphrase, `BRICK_STORE_PASSPHRASE`
/// is the passphrase itself. Files are refused when group or others can read them.
enum StoreKeySecrets {
    static let keyFileVariable = "BRICK_STORE_KEY_FILE"
    static let passphraseFileVariable = "BRICK_STORE_PASSPHRASE_FILE"
    static let passphraseVariable = "BRICK_STORE_PASSPHRASE"

    /// The secrets the environment gives, in that order.
    static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> [StoreKeySecret] {
        var secrets: [StoreKeySecret] = []
        if let path = environment[keyFileVariable], !path.isEmpty { secrets.append(try keyFile(path, option: "$\(keyFileVariable)")) }
        if let path = environment[passphraseFileVariable], !path.isEmpty {
            secrets.append(try passphraseFile(path, option: "$\(passphraseFileVariable)"))
        }
        if let text = environment[passphraseVariable], !text.isEmpty { secrets.append(try StoreKeySecret(passphrase: text)) }
        return secrets
    }

    /// Reads a key file, checking its mode.
    static func keyFile(_ path: String, option: String) throws -> StoreKeySecret {
        try PrivateFile.checkMode(path, option: option)
        do {
            return try StoreKeySecret(keyFileText: try String(contentsOfFile: path, encoding: .utf8))
        } catch let error as StoreError {
            throw UsageError("\(option) \(path): \(error)")
        } catch {
            throw UsageError("cannot read \(option) \(path): \(error.localizedDescription)")
        }
    }

    /// Reads a passphrase file, checking its mode.
    static func passphraseFile(_ path: String, option: String) throws -> StoreKeySecret {
        try PrivateFile.checkMode(path, option: option)
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw UsageError("cannot read \(option) \(path)") }
        return try StoreKeySecret(passphrase: text)
    }

    /// Makes the process's keyring read the environment's secrets when a sealed store
    /// first needs them: a plain store, `--help` and commands that open no store never
    /// touch key material (docs/DESIGN.md "Encryption at rest").
    static func loadWhenNeeded() {
        StoreKeyring.shared.setLoader { try fromEnvironment() }
    }
}
