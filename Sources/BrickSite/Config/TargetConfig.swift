/// `[targets.NAME]`: an off-site export target that `brick-backup export --target NAME`
/// reads: where the bundles go and whom they are encrypted for.
public struct TargetConfig: Sendable, Hashable {
    /// The name `export --target` takes.
    public var name: String
    /// `to`: the directory bundles are written to.
    public var to: String
    /// `encrypt-to`: the recipients, each a public key (`brick-public-…`) or a file
    /// holding one (as `keygen` writes `FILE.pub`).
    public var encryptTo: [String]
    /// `encrypt`: false writes plain bundles (as `--no-encrypt`); nil or true needs
    /// recipients.
    public var encrypt: Bool?

    /// Creates a target.
    public init(name: String, to: String, encryptTo: [String] = [], encrypt: Bool? = nil) {
        self.name = name
        self.to = to
        self.encryptTo = encryptTo
        self.encrypt = encrypt
    }

    /// True when the file says, with `encrypt = false`, that bundles go in clear.
    public var writesPlainBundles: Bool { encrypt == false }
}
