/// Defects of particular server versions, known from their ID answer (RFC 2971), that
/// the client works around by not asking for what they get wrong.
struct ServerQuirks: Equatable, Sendable {
    /// Cyrus IMAP 3.6 answers `STATUS (MAILBOXID)` (and LIST-STATUS) with freed memory
    /// between the parentheses, bytes that may include `)` or a line end and so break
    /// the response's grammar. SELECT and EXAMINE report the MAILBOXID intact.
    var statusMailboxIDIsGarbage = false

    /// The quirks of the server that gave `serverID` (keys lowercased).
    init(serverID: [String: String]) {
        let name = serverID["name"]?.lowercased() ?? ""
        let version = serverID["version"] ?? ""
        statusMailboxIDIsGarbage = name.hasPrefix("cyrus") && version.hasPrefix("3.6")
    }
}
