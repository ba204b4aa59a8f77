import ArgumentParser
import BrickStore
import Foundation

/// `brick-backup init --encrypt`: makes a store root whose user stores are sealed.
struct InitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Make a store root; with --encrypt, every user store in it is sealed with a store key.",
        discussion: """
            With --encrypt a random store key is drawn and written to ROOT/store-key (mode \
            0600), wrapped by a key file (--key-file FILE: written there, mode 0600, when it \
            does not exist) and/or a passphrase (--passphrase-file FILE, or \
            $BRICK_STORE_PASSPHRASE). Every message stored under the root is then sealed; \
            the catalog's metadata (senders, subjects, dates) stays in clear. Later commands \
            get the key from $BRICK_STORE_KEY_FILE, $BRICK_STORE_PASSPHRASE_FILE or \
            $BRICK_STORE_PASSPHRASE. Without the key file or the passphrase the backups \
            cannot be read: keep them apart from the store. A root that already holds user \
            stores is refused.

            With --encrypt-catalog-text the catalog's subjects, sender and recipient names \
            and addresses are sealed too; `--sender ADDR|@DOMAIN`, `--subject` and `--text` \
            then need the key, and message text is not indexed. Given alone on a sealed \
            root, it applies to the user stores made there from then on.

            \(BrickExit.helpText)
            """)

    @OptionGroup var storeRoot: StoreRootOptions

    @Flag(name: .long, help: "Seal the item values of every user store made in this root.")
    var encrypt = false

    @Flag(name: .customLong("encrypt-catalog-text"), help: "Seal subjects, names and addresses in the catalog too (with --encrypt, or on a sealed root).")
    var encryptCatalogText = false

    @Option(name: .customLong("key-file"), help: ArgumentHelp("A key file that unwraps the store key; made when missing.", valueName: "FILE"))
    var keyFile: String?

    @Option(name: .customLong("passphrase-file"), help: ArgumentHelp("A file holding a passphrase that unwraps the store key.", valueName: "FILE"))
    var passphraseFile: String?

    func validate() throws {
        if !encrypt && (keyFile != nil || passphraseFile != nil) {
            throw ValidationError("--key-file and --passphrase-file go with --encrypt")
        }
    }

    func run() async throws {
        let root = storeRoot.root
        if encryptCatalogText && !encrypt {
            guard StoreKeyring.isSealedRoot(root) else {
                throw UsageError("--encrypt-catalog-text needs --encrypt, or a root already sealed (\(root.path) is not)")
            }
            try SealedRoot.sealCatalogText(root: root)
            Terminal.write("store root \(root.path): user stores made from now on seal their catalog text; existing ones keep theirs as it is\n")
            return
        }
        guard encrypt else {
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            Terminal.write("store root \(root.path): plain (values not sealed; use --encrypt to seal them)\n")
            return
        }
        var secrets: [StoreKeySecret] = []
        var made: String?
        if let keyFile {
            if FileManager.default.fileExists(atPath: keyFile) {
                secrets.append(try StoreKeySecrets.keyFile(keyFile, option: "--key-file"))
            } else {
                let secret = StoreKeySecret.generateKeyFile()
                try KeygenCommand.create(keyFile, mode: 0o600, contents: secret.keyFileText!)
                secrets.append(secret)
                made = keyFile
            }
        }
        if let passphraseFile { secrets.append(try StoreKeySecrets.passphraseFile(passphraseFile, option: "--passphrase-file")) }
        if let text = ProcessInfo.processInfo.environment[StoreKeySecrets.passphraseVariable], !text.isEmpty {
            secrets.append(try StoreKeySecret(passphrase: text))
        }
        guard !secrets.isEmpty else {
            throw UsageError("--encrypt needs --key-file FILE, --passphrase-file FILE or $\(StoreKeySecrets.passphraseVariable) to wrap the store key")
        }
        let key: StoreKey
        do {
            key = try SealedRoot.create(
                root: root, secrets: secrets, existingUsers: StoreRootOptions.existingUsers(under: root), sealingCatalogText: encryptCatalogText)
        } catch {
            if let made { unlink(made) }
            throw UsageError("\(error)")
        }
        if let made { Terminal.write("key file written to \(made) (mode 0600): keep a copy away from the store\n") }
        Terminal.write("store root \(root.path): sealed, store key id \(key.keyIDText), wrapped in \(root.path)/\(WrappedStoreKey.fileName) "
            + "for \(secrets.count == 1 ? "one secret" : "\(secrets.count) secrets")"
            + (encryptCatalogText ? "; catalog text sealed too" : "") + "\n")
    }
}
