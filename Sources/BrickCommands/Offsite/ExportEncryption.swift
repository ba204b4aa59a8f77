import BrickBundle
import BrickSite

/// Whom an export encrypts for: the flags (`--encrypt-to`, `--no-encrypt`) win, else the
/// target's `encrypt-to` or `encrypt = false` in the configuration file; one of them
/// must say it, since bundles leave the host.
struct ExportEncryption {
    /// The recipients; empty for plain bundles.
    var recipients: [BundleRecipient]
    /// The summary's last line: the key ids, or why the bundles are in clear.
    var summaryLine: String

    init(flags: [String], noEncrypt: Bool, target: TargetConfig?, name: String) throws {
        let plainWarning = "anyone who holds these bundles can read the mail in them"
        if noEncrypt {
            recipients = []
            summaryLine = "NOT ENCRYPTED (--no-encrypt): \(plainWarning)"
            return
        }
        if !flags.isEmpty {
            recipients = try BundleKeyOptions.recipients(flags)
        } else if let target, target.writesPlainBundles {
            recipients = []
            summaryLine = "NOT ENCRYPTED (encrypt = false in [targets.\(name)]): \(plainWarning)"
            return
        } else if let target, !target.encryptTo.isEmpty {
            recipients = try BundleKeyOptions.recipients(target.encryptTo, option: "targets.\(name).encrypt-to")
        } else {
            throw UsageError("bundles leave this host: give --encrypt-to KEY (brick-backup keygen makes one) or --no-encrypt, "
                + "or encrypt-to / encrypt = false in [targets.\(name)] of the configuration file")
        }
        summaryLine = "encrypted for key id \(recipients.map(\.keyIDText).joined(separator: ", "))"
    }
}
