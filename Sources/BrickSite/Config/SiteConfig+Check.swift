import Foundation

extension SiteConfig {
    /// What `config check` finds wrong on this machine: files and directories named by
    /// the configuration that are missing or have unsafe modes, and users files that
    /// cannot be read. The file's syntax and values were checked when it was parsed.
    public func fileSystemProblems() -> [ConfigProblem] {
        var problems: [ConfigProblem] = []
        if let store {
            problems += directoryProblems(store, key: "store", mustBeWritable: true)
        }
        if let metricsFile {
            let directory = URL(fileURLWithPath: metricsFile).deletingLastPathComponent().path
            problems += directoryProblems(directory, key: "metrics-file", mustBeWritable: true)
        }
        for source in sources {
            let key = "sources.\(source.name)"
            if source.url.hasPrefix("maildir:") {
                let template = String(source.url.dropFirst("maildir:".count))
                let fixed = template.components(separatedBy: "{user}")[0]
                let base = template.contains("{user}") ? URL(fileURLWithPath: fixed + "x").deletingLastPathComponent().path : fixed
                problems += directoryProblems(base, key: key + ".url", mustBeWritable: false)
            }
            if let caFile = source.caFile, access(caFile, R_OK) != 0 {
                problems.append(problem(key + ".ca-file", "cannot read \(caFile): \(String(cString: strerror(errno)))"))
            }
            if let passwordFile = source.passwordFile {
                problems += passwordFileProblems(passwordFile, key: key + ".password-file")
            }
        }
        for group in groups {
            if case .file(let path) = group.users {
                do { _ = try UsersFile.read(path) } catch { problems.append(problem("groups.\(group.name).users-file", "\(error)")) }
            }
        }
        for target in targets {
            problems += directoryProblems(target.to, key: "targets.\(target.name).to", mustBeWritable: true)
            for recipient in target.encryptTo where !recipient.hasPrefix("brick-public-") && access(recipient, R_OK) != 0 {
                problems.append(problem("targets.\(target.name).encrypt-to",
                    "\(recipient): neither a public key (brick-public-…) nor a readable file: \(String(cString: strerror(errno)))"))
            }
        }
        return problems
    }

    private func directoryProblems(_ path: String, key: String, mustBeWritable: Bool) -> [ConfigProblem] {
        var info = stat()
        guard stat(path, &info) == 0 else { return [problem(key, "\(path): \(String(cString: strerror(errno)))")] }
        guard info.st_mode & S_IFMT == S_IFDIR else { return [problem(key, "\(path) is not a directory")] }
        var problems: [ConfigProblem] = []
        let mode = UInt32(info.st_mode) & 0o7777
        if mode & 0o002 != 0 && mode & 0o1000 == 0 {
            problems.append(problem(key, "\(path) may be written by anyone (mode \(FileMode.text(mode))); chmod o-w it"))
        }
        if mustBeWritable && access(path, W_OK) != 0 {
            problems.append(problem(key, "\(path) is not writable: \(String(cString: strerror(errno)))"))
        }
        return problems
    }

    private func passwordFileProblems(_ path: String, key: String) -> [ConfigProblem] {
        var info = stat()
        guard stat(path, &info) == 0 else { return [problem(key, "\(path): \(String(cString: strerror(errno)))")] }
        let mode = UInt32(info.st_mode) & 0o777
        guard mode & 0o077 == 0 else {
            return [problem(key, "\(path) is accessible by group or others (mode \(FileMode.text(mode))); refused: chmod 600 it")]
        }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [problem(key, "cannot read \(path)")] }
        if text.split(maxSplits: 1, omittingEmptySubsequences: false, whereSeparator: \.isNewline).first?.isEmpty ?? true {
            return [problem(key, "\(path) is empty (its first line holds the password)")]
        }
        return []
    }
}
