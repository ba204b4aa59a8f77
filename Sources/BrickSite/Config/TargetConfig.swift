/// `[targets.NAME]`: an off-site export target (read and checked now; used once
/// `brick-backup export --target NAME` exists).
public struct TargetConfig: Sendable, Hashable {
    /// The name `export --target` takes.
    public var name: String
    /// `to`: the directory bundles are written to.
    public var to: String

    /// Creates a target.
    public init(name: String, to: String) {
        self.name = name
        self.to = to
    }
}
