extension TargetConfig {
    /// Reads `[targets.NAME]`: `to` is required; `encrypt-to` (recipients) and
    /// `encrypt = false` (plain bundles) exclude each other, and `encrypt = true` needs
    /// recipients.
    static func read(name: String, _ reader: inout TableReader, _ found: inout [(String, String)]) -> TargetConfig? {
        let to = reader.string("to", &found)
        if to == nil && reader.value("to") == nil {
            found.append((reader.keyPath("to"), "missing: the directory export writes bundles to"))
        }
        let recipients = reader.strings("encrypt-to", &found) ?? []
        let encrypt = reader.bool("encrypt", &found)
        if encrypt == false && !recipients.isEmpty {
            found.append((reader.keyPath("encrypt"), "false (plain bundles) contradicts encrypt-to: keep one of them"))
        }
        if encrypt == true && recipients.isEmpty {
            found.append((reader.keyPath("encrypt"), "true needs encrypt-to = [\"brick-public-…\" or a .pub file, …]"))
        }
        for recipient in recipients where recipient.isEmpty {
            found.append((reader.keyPath("encrypt-to"), "holds an empty string"))
        }
        guard let to else { return nil }
        return TargetConfig(name: name, to: to, encryptTo: recipients, encrypt: encrypt)
    }
}
