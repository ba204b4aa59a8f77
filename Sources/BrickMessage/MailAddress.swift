/// One mailbox from an address header: an address and, when given, a display name.
public struct MailAddress: Sendable, Hashable, CustomStringConvertible {
    /// The display name, decoded from RFC 2047 where encoded; nil when absent. An old
    /// style comment (`jdoe@example.com (John Doe)`) serves as the name when there is
    /// no phrase.
    public var name: String?
    /// The addr-spec in lowercase (`local@domain`, or a bare local part such as
    /// `mailer-daemon`); a quoted local part keeps its quotes.
    public var address: String

    /// Creates an address.
    public init(name: String?, address: String) {
        self.name = name
        self.address = address
    }

    /// `Name <address>` or the bare address.
    public var description: String {
        guard let name else { return address }
        return "\(name) <\(address)>"
    }
}
