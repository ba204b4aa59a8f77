/// Reads RFC 5322 address lists (§3.4, with the §4.4 obsolete forms) as mail has them.
///
/// Handles display names quoted or not, RFC 2047 encoded names, comments, groups
/// (`undisclosed-recipients:;`, `team: a@x, b@y;`), angle addresses with or without a
/// source route, bare addr-specs, and a bare local part (`MAILER-DAEMON`). Garbage is
/// tolerated: whatever cannot be read as an address is skipped, never an error.
public enum AddressParser {
    /// The mailboxes in an address list, in order.
    public static func parse(_ text: String) -> [MailAddress] {
        parse(utf8: Array(text.utf8))
    }

    /// The mailboxes in an address list given as UTF-8 bytes.
    static func parse(utf8 bytes: [UInt8]) -> [MailAddress] {
        var builder = Builder(bytes: bytes)
        for token in AddressToken.tokenize(bytes) { builder.consume(token) }
        builder.finishMailbox()
        return builder.result
    }

    /// The symbols RFC 5322 allows in an atom, and the dot.
    private static let atextSymbols: [UInt8] = Array("!#$%&'*+-/=?^_`{|}~.".utf8)

    /// The state of one pass over the tokens.
    private struct Builder {
        let bytes: [UInt8]
        var result: [MailAddress] = []
        var phrase: [AddressToken] = []
        var comments: [AddressToken] = []
        var angle: [AddressToken]?
        var angleAddress: [AddressToken]?
        var inGroup = false

        mutating func consume(_ token: AddressToken) {
            if angle != nil {
                if token.kind == .special(UInt8(ascii: ">")) {
                    closeAngle()
                } else if token.kind != .comment {
                    angle?.append(token)
                }
                return
            }
            switch token.kind {
            case .special(UInt8(ascii: ",")):
                finishMailbox()
            case .special(UInt8(ascii: ";")):
                finishMailbox()
                inGroup = false
            case .special(UInt8(ascii: ":")) where angleAddress == nil && !inGroup:
                phrase = []
                comments = []
                inGroup = true
            case .special(UInt8(ascii: "<")):
                angle = []
            case .special(UInt8(ascii: ">")), .special(UInt8(ascii: ":")):
                break
            case .comment:
                comments.append(token)
            default:
                phrase.append(token)
            }
        }

        mutating func closeAngle() {
            guard let tokens = angle else { return }
            // An obsolete source route (`@a,@b:`) ends at the last colon.
            if let colon = tokens.lastIndex(where: { $0.kind == .special(UInt8(ascii: ":")) }) {
                angleAddress = Array(tokens[(colon + 1)...])
            } else {
                angleAddress = tokens
            }
            angle = nil
        }

        mutating func finishMailbox() {
            closeAngle()
            defer {
                phrase.removeAll(keepingCapacity: true)
                comments.removeAll(keepingCapacity: true)
                angleAddress = nil
            }
            var nameTokens = phrase
            let addressTokens: [AddressToken]
            if let angleAddress {
                addressTokens = angleAddress
            } else if let (address, rest) = splitBareAddress(phrase) {
                addressTokens = address
                nameTokens = rest
            } else {
                return
            }
            let address = addressText(addressTokens)
            guard !address.isEmpty else { return }
            var name = phraseText(nameTokens)
            if name == nil, let comment = comments.first(where: { !$0.range.isEmpty }) {
                name = displayText(Array(comment.text(in: bytes)))
            }
            result.append(MailAddress(name: name, address: address))
        }

        /// Splits phrase tokens into an addr-spec (the tokens joined to an `@` without
        /// white space, or around it) and the rest; a single unquoted atom with no `@`
        /// is taken as a bare local part.
        func splitBareAddress(_ tokens: [AddressToken]) -> ([AddressToken], [AddressToken])? {
            guard !tokens.isEmpty else { return nil }
            guard let at = tokens.firstIndex(where: { $0.kind == .special(UInt8(ascii: "@")) }) else {
                if tokens.count == 1 && tokens[0].kind == .atom && tokens[0].text(in: bytes).allSatisfy(isAtext) {
                    return (tokens, [])
                }
                return nil
            }
            var low = at
            if low > 0 && isAddressPart(tokens[low - 1]) {
                low -= 1
                while low > 0 && !tokens[low].spaced && isAddressPart(tokens[low - 1]) { low -= 1 }
            }
            var high = at + 1
            if high < tokens.count && isAddressPart(tokens[high]) {
                high += 1
                while high < tokens.count && !tokens[high].spaced && isAddressPart(tokens[high]) { high += 1 }
            }
            return (Array(tokens[low..<high]), Array(tokens[..<low]) + Array(tokens[high...]))
        }

        /// RFC 5322 atext, plus the dot of a dot-atom.
        func isAtext(_ byte: UInt8) -> Bool {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"):
                true
            default:
                AddressParser.atextSymbols.contains(byte)
            }
        }

        func isAddressPart(_ token: AddressToken) -> Bool {
            switch token.kind {
            case .atom, .quoted, .domainLiteral, .special(UInt8(ascii: "@")): true
            default: false
            }
        }

        /// The addr-spec text: tokens joined without white space, quoted parts
        /// re-quoted when they need it, lowercased.
        func addressText(_ tokens: [AddressToken]) -> String {
            var output: [UInt8] = []
            for token in tokens {
                let text = token.text(in: bytes)
                switch token.kind {
                case .quoted:
                    let plain = !text.isEmpty && text.allSatisfy { byte in
                        byte > 0x20 && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\")
                            && byte != UInt8(ascii: "@") && byte != UInt8(ascii: ",")
                    }
                    if plain {
                        output.append(contentsOf: text)
                    } else {
                        output.append(UInt8(ascii: "\""))
                        for byte in text {
                            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { output.append(UInt8(ascii: "\\")) }
                            output.append(byte)
                        }
                        output.append(UInt8(ascii: "\""))
                    }
                case .atom, .domainLiteral, .special(UInt8(ascii: "@")):
                    output.append(contentsOf: text)
                default:
                    continue
                }
            }
            var ascii = true
            for index in output.indices {
                let byte = output[index]
                if byte >= 0x41 && byte <= 0x5A { output[index] = byte | 0x20 }
                if byte >= 0x80 { ascii = false }
            }
            let address = String(decoding: output, as: UTF8.self)
            return ascii ? address : address.lowercased()
        }

        /// The display name: tokens joined by single spaces where the input had white
        /// space, then RFC 2047 decoded; nil when empty.
        func phraseText(_ tokens: [AddressToken]) -> String? {
            guard !tokens.isEmpty else { return nil }
            var output: [UInt8] = []
            for token in tokens {
                if token.spaced && !output.isEmpty { output.append(0x20) }
                output.append(contentsOf: token.text(in: bytes))
            }
            return displayText(output)
        }

        func displayText(_ utf8: [UInt8]) -> String? {
            let text = HeaderValue.cleanText(EncodedWords.decode(utf8: utf8))
            return text.isEmpty ? nil : text
        }
    }
}
