import TOMLKit

/// Keys that would hold a secret: refused anywhere in the file.
enum SecretKeys {
    static func isSecret(_ key: String) -> Bool {
        let lower = key.lowercased()
        if ["password-file", "password-env", "dav-password-file", "dav-password-env"].contains(lower) { return false }
        return lower.contains("password") || ["pass", "passwd", "secret", "token", "api-key"].contains(lower)
    }

    static func find(in table: TOMLTable, path: String, into found: inout [(String, String)]) {
        for key in table.keys {
            let keyPath = path.isEmpty ? key : path + "." + key
            if isSecret(key) {
                found.append((keyPath, "a password never goes in the configuration file: name a file with password-file (chmod 600) or a variable with password-env"))
            } else if let inner = table[key]?.table {
                find(in: inner, path: keyPath, into: &found)
            }
        }
    }
}
