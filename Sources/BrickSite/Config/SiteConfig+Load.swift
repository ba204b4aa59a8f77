import Foundation

extension SiteConfig {
    /// Reads the configuration at `location`: an empty configuration when the default
    /// file does not exist; refused when a secret is in the file, when others may write
    /// it, or when others may read it while it names a password file or variable.
    public static func load(_ location: ConfigLocation) throws(ConfigError) -> SiteConfig {
        var info = stat()
        guard stat(location.path, &info) == 0 else {
            let reason = String(cString: strerror(errno))
            if errno == ENOENT {
                if location.isRequired { throw .notFound(path: location.path, namedBy: location.namedBy) }
                return SiteConfig()
            }
            throw .unreadable(path: location.path, reason: reason)
        }
        let text: String
        do {
            text = try String(contentsOfFile: location.path, encoding: .utf8)
        } catch {
            throw .unreadable(path: location.path, reason: (error as NSError).localizedDescription)
        }
        let config = try parse(text: text, file: location.path)
        let mode = UInt32(info.st_mode) & 0o777
        var problems: [ConfigProblem] = []
        if mode & 0o002 != 0 {
            problems.append(ConfigProblem(file: location.path, line: 0, key: "", message:
                "others may write this file (mode \(FileMode.text(mode))): anyone could redirect the backups; chmod o-w it"))
        }
        if mode & 0o004 != 0 && config.namesSecret {
            let key = config.sources.first { $0.passwordFile != nil || $0.passwordEnv != nil }.map {
                "sources.\($0.name).\($0.passwordFile != nil ? "password-file" : "password-env")"
            } ?? ""
            problems.append(config.problem(key,
                "the file names a secret and others may read it (mode \(FileMode.text(mode))); refused: chmod 640 or 600 it"))
        }
        guard problems.isEmpty else { throw .invalid(problems) }
        return config
    }
}

/// Permission bits as `ls` users write them in chmod: `0640`.
public enum FileMode {
    /// Four octal digits.
    public static func text(_ mode: UInt32) -> String {
        let octal = String(mode & 0o7777, radix: 8)
        return String(repeating: "0", count: max(0, 4 - octal.count)) + octal
    }
}
