import BrickCore

/// Mailbox names on the wire (RFC 9051 §5.1): modified UTF-7 components joined by the
/// server's hierarchy delimiter, both ways.
enum MailboxName {
    /// The folder path of a wire name, decoding each component.
    static func path(ofWireName name: String, delimiter: Character?) -> FolderPath {
        if name.uppercased() == "INBOX" { return .inbox }
        guard let delimiter else { return FolderPath([ModifiedUTF7.decodeLeniently(name)]) }
        let components = name.split(separator: delimiter, omittingEmptySubsequences: false).map(String.init)
        return FolderPath(components.map { component in
            component.uppercased() == "INBOX" && component == components.first ? "INBOX" : ModifiedUTF7.decodeLeniently(component)
        })
    }

    /// The wire name of a path; throws when a component contains the delimiter.
    static func wireName(of path: FolderPath, delimiter: Character?) throws(IMAPError) -> String {
        guard !path.components.isEmpty else {
            throw IMAPError.invalidMailboxName(path: path.description, reason: "empty path")
        }
        let encoded = path.components.map(ModifiedUTF7.encode)
        if let delimiter {
            if let bad = path.components.first(where: { $0.contains(delimiter) || $0.isEmpty }) {
                throw IMAPError.invalidMailboxName(path: path.description, reason: "component \"\(bad)\" is empty or contains the delimiter \"\(delimiter)\"")
            }
            return encoded.joined(separator: String(delimiter))
        }
        guard encoded.count == 1 else {
            throw IMAPError.invalidMailboxName(path: path.description, reason: "the server has a flat namespace")
        }
        return encoded[0]
    }

    /// The name as a command argument: quoted (mailbox names after encoding are 7-bit).
    static func argument(_ wireName: String) -> String {
        QuotedString.encode(wireName)
    }
}
