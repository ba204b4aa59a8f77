/// The summary of a vCard 3.0 or 4.0: FN (or N when FN is missing), EMAIL values,
/// UID (a `urn:uuid:` prefix removed).
enum VCardSummary {
    /// Summarizes one VCARD component.
    static func summarize(_ card: Component) -> DAVItemSummary {
        var summary = DAVItemSummary(kind: .contact)
        let version = card.property("VERSION")?.rawText.trimmingSpaces
        if version == nil { summary.problems.append("vCard without VERSION") }
        if let version, !["2.1", "3.0", "4.0"].contains(version) { summary.problems.append("unknown vCard VERSION \(version)") }
        if let fn = card.property("FN")?.text.trimmingSpaces, !fn.isEmpty {
            summary.title = fn
        } else {
            if version == "4.0" || version == "3.0" { summary.problems.append("vCard without FN") }
            if let n = card.property("N") {
                let parts = splitStructured(n.rawText).map(ContentLine.unescape)
                let name = [parts.count > 1 ? parts[1] : "", parts[0]].filter { !$0.isEmpty }.joined(separator: " ")
                if !name.isEmpty { summary.title = name }
            }
        }
        if let uid = card.property("UID")?.text.trimmingSpaces, !uid.isEmpty {
            summary.uid = uid.lowercased().hasPrefix("urn:uuid:") ? String(uid.dropFirst(9)) : uid
        }
        for email in card.properties("EMAIL") {
            var address = email.text.trimmingSpaces.lowercased()
            if address.hasPrefix("mailto:") { address.removeFirst(7) }
            if !address.isEmpty && !summary.addresses.contains(address) { summary.addresses.append(address) }
        }
        return summary
    }

    /// The fields of a structured value (N, ADR), split at unescaped semicolons.
    static func splitStructured(_ text: String) -> [String] {
        var fields: [String] = []
        var current = ""
        var escaped = false
        for character in text {
            if escaped {
                current.append("\\")
                current.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == ";" {
                fields.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        fields.append(current)
        return fields
    }
}
