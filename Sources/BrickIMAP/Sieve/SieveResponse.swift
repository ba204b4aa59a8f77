/// A ManageSieve response (RFC 5804 §1.2, §4): lines of data (capabilities, script
/// names, a script as a literal), then one line `OK`, `NO` or `BYE` with an optional
/// response code in parentheses and an optional human-readable string.
struct SieveResponse: Equatable, Sendable {
    /// How the command ended.
    enum Status: String, Equatable, Sendable {
        case ok = "OK"
        case no = "NO"
        case bye = "BYE"
    }

    /// One value of a data line.
    enum Token: Equatable, Sendable {
        /// A bare word (`ACTIVE`).
        case atom(String)
        /// A quoted string or a literal, its bytes.
        case string([UInt8])

        /// The token as text.
        var text: String {
            switch self {
            case .atom(let word): word
            case .string(let bytes): String(decoding: bytes, as: UTF8.self)
            }
        }
    }

    /// The data lines, each a list of tokens.
    var lines: [[Token]]
    /// The final status.
    var status: Status
    /// The response code's tokens (`WARNINGS`, `QUOTA/MAXSIZE`), empty when none.
    var code: [Token]
    /// The human-readable text, empty when none.
    var text: String
}

/// Cuts ManageSieve responses out of the bytes received so far.
///
/// `parse` returns nil while a response is incomplete (a line without its CRLF, a
/// literal without all its bytes), so it can be called again with more bytes; it
/// throws on bytes that cannot be a response, and on a response that would hold more
/// than a backup needs (a literal over `literalLimit`, a response over `responseLimit`),
/// so a server cannot make the client hold gigabytes waiting for its end.
enum SieveResponseParser {
    /// The largest literal taken: a Sieve script (Pigeonhole's default limit is 1 MiB).
    static let literalLimit = 16 << 20
    /// The most bytes one response may take.
    static let responseLimit = 64 << 20

    /// The first complete response in `bytes` and how many bytes it took.
    static func parse(
        _ bytes: ArraySlice<UInt8>, responseLimit: Int = responseLimit
    ) throws(ParseError) -> (response: SieveResponse, length: Int)? {
        var reader = Reader(bytes: bytes)
        var lines: [[SieveResponse.Token]] = []
        while true {
            guard let line = try reader.line() else {
                guard bytes.count <= responseLimit else {
                    throw ParseError(expected: "a response of at most \(responseLimit) bytes", offset: bytes.startIndex)
                }
                return nil
            }
            if case .atom(let word)? = line.first, let status = SieveResponse.Status(rawValue: word.uppercased()) {
                var rest = line.dropFirst()
                var code: [SieveResponse.Token] = []
                if case .atom("(")? = rest.first {
                    rest = rest.dropFirst()
                    while let token = rest.first, token != .atom(")") {
                        code.append(token)
                        rest = rest.dropFirst()
                    }
                    guard rest.first == .atom(")") else { throw ParseError(expected: "closing parenthesis", offset: reader.offset) }
                    rest = rest.dropFirst()
                }
                let text = rest.first?.text ?? ""
                return (SieveResponse(lines: lines, status: status, code: code, text: text), reader.offset - bytes.startIndex)
            }
            lines.append(line)
        }
    }

    /// Reads tokens line by line.
    struct Reader {
        let bytes: ArraySlice<UInt8>
        var offset: Int

        init(bytes: ArraySlice<UInt8>) {
            self.bytes = bytes
            offset = bytes.startIndex
        }

        /// The tokens of the next line, nil when it is not complete yet.
        mutating func line() throws(ParseError) -> [SieveResponse.Token]? {
            var tokens: [SieveResponse.Token] = []
            while true {
                guard offset < bytes.endIndex else { return nil }
                let byte = bytes[offset]
                switch byte {
                case UInt8(ascii: " "):
                    offset += 1
                case UInt8(ascii: "\r"):
                    guard offset + 1 < bytes.endIndex else { return nil }
                    guard bytes[offset + 1] == UInt8(ascii: "\n") else { throw ParseError(expected: "LF after CR", offset: offset + 1) }
                    offset += 2
                    return tokens
                case UInt8(ascii: "\n"):
                    offset += 1
                    return tokens
                case UInt8(ascii: "("), UInt8(ascii: ")"):
                    tokens.append(.atom(String(UnicodeScalar(byte))))
                    offset += 1
                case UInt8(ascii: "\""):
                    guard let string = try quoted() else { return nil }
                    tokens.append(.string(string))
                case UInt8(ascii: "{"):
                    guard let string = try literal() else { return nil }
                    tokens.append(.string(string))
                default:
                    let start = offset
                    while offset < bytes.endIndex, !Self.ends(bytes[offset]) { offset += 1 }
                    guard offset < bytes.endIndex else { return nil }
                    tokens.append(.atom(String(decoding: bytes[start..<offset], as: UTF8.self)))
                }
            }
        }

        private static func ends(_ byte: UInt8) -> Bool {
            byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\n")
                || byte == UInt8(ascii: "(") || byte == UInt8(ascii: ")") || byte == UInt8(ascii: "\"")
        }

        private mutating func quoted() throws(ParseError) -> [UInt8]? {
            var index = offset + 1
            var value: [UInt8] = []
            while index < bytes.endIndex {
                let byte = bytes[index]
                switch byte {
                case UInt8(ascii: "\""):
                    offset = index + 1
                    return value
                case UInt8(ascii: "\\"):
                    guard index + 1 < bytes.endIndex else { return nil }
                    value.append(bytes[index + 1])
                    index += 2
                case UInt8(ascii: "\r"), UInt8(ascii: "\n"):
                    throw ParseError(expected: "closing quote", offset: index)
                default:
                    value.append(byte)
                    index += 1
                }
            }
            return nil
        }

        /// `{n}CRLF` or `{n+}CRLF` then n bytes.
        private mutating func literal() throws(ParseError) -> [UInt8]? {
            var index = offset + 1
            var size = 0
            while index < bytes.endIndex, let digit = Self.digit(bytes[index]) {
                size = size * 10 + digit
                guard size <= SieveResponseParser.literalLimit else {
                    throw ParseError(expected: "a literal of at most \(SieveResponseParser.literalLimit) bytes", offset: index)
                }
                index += 1
            }
            guard index < bytes.endIndex else { return nil }
            if bytes[index] == UInt8(ascii: "+") { index += 1 }
            guard index < bytes.endIndex else { return nil }
            guard bytes[index] == UInt8(ascii: "}"), index > offset + 1 else { throw ParseError(expected: "literal size", offset: index) }
            index += 1
            guard index + 1 < bytes.endIndex else { return nil }
            guard bytes[index] == UInt8(ascii: "\r"), bytes[index + 1] == UInt8(ascii: "\n") else {
                throw ParseError(expected: "CRLF after literal size", offset: index)
            }
            index += 2
            guard bytes.endIndex - index >= size else { return nil }
            offset = index + size
            return Array(bytes[index..<index + size])
        }

        private static func digit(_ byte: UInt8) -> Int? {
            byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") ? Int(byte - UInt8(ascii: "0")) : nil
        }
    }
}

/// ManageSieve command arguments (RFC 5804 §4): a quoted string when it can be one,
/// else a non-synchronizing literal, which every ManageSieve server takes.
enum SieveArgument {
    /// The argument form of `bytes`.
    static func encode(_ bytes: [UInt8]) -> [UInt8] {
        let quotable = bytes.count < 1024 && !bytes.contains { $0 == 0 || $0 == 10 || $0 == 13 }
        guard quotable else { return Array("{\(bytes.count)+}\r\n".utf8) + bytes }
        var output: [UInt8] = [UInt8(ascii: "\"")]
        for byte in bytes {
            if byte == UInt8(ascii: "\\") || byte == UInt8(ascii: "\"") { output.append(UInt8(ascii: "\\")) }
            output.append(byte)
        }
        output.append(UInt8(ascii: "\""))
        return output
    }

    /// The argument form of `text`.
    static func encode(_ text: String) -> [UInt8] { encode(Array(text.utf8)) }
}
