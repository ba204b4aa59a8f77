/// The capabilities a server announced (RFC 9051 §7.2.2), compared case-insensitively.
struct Capabilities: Equatable, Sendable {
    /// Every capability, upper-cased.
    private(set) var names: Set<String>

    /// Creates a set from announced names.
    init<S: Sequence>(_ names: S) where S.Element == String {
        self.names = Set(names.map { $0.uppercased() })
    }

    /// True when `name` (e.g. `QRESYNC`, `AUTH=PLAIN`) was announced.
    func contains(_ name: String) -> Bool { names.contains(name.uppercased()) }

    /// SASL mechanisms from `AUTH=` entries.
    var authMechanisms: Set<String> {
        Set(names.filter { $0.hasPrefix("AUTH=") }.map { String($0.dropFirst(5)) })
    }

    /// True when literals may be sent without waiting for a continuation:
    /// always with LITERAL+, and up to 4096 bytes with LITERAL- (RFC 7888).
    func allowsNonSynchronizingLiteral(ofSize size: Int) -> Bool {
        contains("LITERAL+") || (contains("LITERAL-") && size <= 4096)
    }
}

extension ParseBuffer {
    /// The names after `CAPABILITY` or `ENABLED`, up to the end of the line.
    mutating func atomsToEndOfLine() throws(ParseError) -> [String] {
        var names: [String] = []
        while consume(UInt8(ascii: " ")) {
            if atEndOfLine() { break }
            names.append(try atom())
        }
        return names
    }
}
