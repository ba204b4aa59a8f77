/// Which configuration file a command reads: `--config FILE`, else `$BRICK_CONFIG`, else
/// `/etc/brick/brick.toml`. A file named by the flag or the variable must exist; the
/// default file may be missing (then flags alone say what to do).
public struct ConfigLocation: Sendable, Hashable {
    /// The default path.
    public static let defaultPath = "/etc/brick/brick.toml"
    /// The environment variable that names a configuration file.
    public static let environmentVariable = "BRICK_CONFIG"

    /// The path to read.
    public var path: String
    /// True when the file was named (flag or variable), so a missing file is an error.
    public var isRequired: Bool
    /// What named it: `--config`, `$BRICK_CONFIG` or `default`.
    public var namedBy: String

    /// Resolves the location from the flag's value and the environment.
    public init(flag: String?, environment: [String: String]) {
        if let flag {
            self.init(path: flag, isRequired: true, namedBy: "--config")
        } else if let named = environment[Self.environmentVariable], !named.isEmpty {
            self.init(path: named, isRequired: true, namedBy: "$" + Self.environmentVariable)
        } else {
            self.init(path: Self.defaultPath, isRequired: false, namedBy: "default")
        }
    }

    /// A location given directly.
    public init(path: String, isRequired: Bool, namedBy: String) {
        self.path = path
        self.isRequired = isRequired
        self.namedBy = namedBy
    }
}
