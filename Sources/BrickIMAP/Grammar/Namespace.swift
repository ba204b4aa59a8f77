/// One namespace of a `NAMESPACE` response (RFC 2342): a prefix and its delimiter.
struct NamespaceDescription: Equatable, Sendable {
    var prefix: String
    var delimiter: Character?
}

/// The three namespace groups: personal, other users', shared.
struct NamespaceResponse: Equatable, Sendable {
    var personal: [NamespaceDescription]
    var otherUsers: [NamespaceDescription]
    var shared: [NamespaceDescription]
}

extension ParseBuffer {
    /// `NIL` or `(("prefix" "delim" …) …)` three times.
    mutating func namespaceResponse() throws(ParseError) -> NamespaceResponse {
        let personal = try namespaceGroup()
        try space()
        let other = try namespaceGroup()
        try space()
        let shared = try namespaceGroup()
        return NamespaceResponse(personal: personal, otherUsers: other, shared: shared)
    }

    private mutating func namespaceGroup() throws(ParseError) -> [NamespaceDescription] {
        if consume(word: "NIL") { return [] }
        try expect(UInt8(ascii: "("))
        var group: [NamespaceDescription] = []
        while consume(UInt8(ascii: "(")) {
            let prefix = try stringText()
            try space()
            var delimiter: Character?
            if !consume(word: "NIL") {
                delimiter = try quoted().first.map { Character(UnicodeScalar($0)) }
            }
            while consume(UInt8(ascii: " ")) { try skipValue() }
            try expect(UInt8(ascii: ")"))
            group.append(NamespaceDescription(prefix: prefix, delimiter: delimiter))
        }
        try expect(UInt8(ascii: ")"))
        return group
    }
}
