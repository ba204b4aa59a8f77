/// Keeps the carriage returns of an XML document's character data through parsing.
///
/// An XML parser turns every CR LF and lone CR of the document into LF (XML 1.0
/// §2.11), so iCalendar and vCard text carried inside a multiget answer would lose
/// the CR LF line ends the server stores and serves by GET. Radicale, for one, writes
/// them as raw bytes. A character reference `&#13;` is not normalized, so each CR byte
/// in character data becomes one before the parser sees it; inside CDATA, where no
/// reference is read, the section is closed around it (`]]>&#13;<![CDATA[`). CR in
/// markup (between attributes, in comments and processing instructions) stays as it
/// is: there it is white space the parser may fold. So does CR outside the root
/// element (after the XML declaration, after the end), where only white space may
/// stand and a reference would make the document ill-formed. Comments, CDATA sections
/// and processing instructions run to their closer whatever `<` and `>` they hold. A
/// document in UTF-16 or UTF-32 (a byte-order mark or a NUL in its first four bytes)
/// is left as it is: its CR is not the byte the guard looks for, and ASCII references
/// would break it.
enum CarriageReturnGuard {
    private static let reference = Array("&#13;".utf8)
    private static let cdataBreak = Array("]]>&#13;<![CDATA[".utf8)
    private static let cdataOpen = Array("<![CDATA[".utf8)
    private static let cdataClose = Array("]]>".utf8)
    private static let commentOpen = Array("<!--".utf8)
    private static let commentClose = Array("-->".utf8)
    private static let instructionOpen = Array("<?".utf8)
    private static let instructionClose = Array("?>".utf8)

    private enum State {
        /// Character data.
        case text
        /// Inside `<…>`; `depthChange` is what the tag does to the element depth
        /// (+1 start tag, -1 end tag, 0 declaration or empty element), `previous` the
        /// last byte outside quotes.
        case markup(quote: UInt8?, depthChange: Int, previous: UInt8)
        case cdata
        /// Inside a comment or a processing instruction, copied as it is up to and
        /// including `closer` (`-->`, `?>`), whatever `<` and `>` it holds.
        case verbatim(closer: [UInt8])
    }

    /// `document` with each CR of its character data written as a reference; the
    /// bytes themselves when it holds no CR.
    static func protect(_ document: [UInt8]) -> [UInt8] {
        guard document.contains(13), !isWide(document) else { return document }
        var out: [UInt8] = []
        out.reserveCapacity(document.count + document.count / 16)
        var state = State.text
        var depth = 0
        var index = 0
        while index < document.count {
            let byte = document[index]
            switch state {
            case .text:
                if byte == UInt8(ascii: "<") {
                    // The opener is taken whole: its end must not be read as a closer
                    // (`<!-->` opens a comment that `>` does not end).
                    if let (opener, inside) = [(cdataOpen, State.cdata), (instructionOpen, .verbatim(closer: instructionClose)), (commentOpen, .verbatim(closer: commentClose))]
                        .first(where: { matches($0.0, in: document, at: index) })
                    {
                        out += opener
                        index += opener.count
                        state = inside
                        continue
                    }
                    let next = index + 1 < document.count ? document[index + 1] : 0
                    let change = next == UInt8(ascii: "/") ? -1 : (next == UInt8(ascii: "!") ? 0 : 1)
                    state = .markup(quote: nil, depthChange: change, previous: byte)
                    out.append(byte)
                } else {
                    if byte == 13 && depth > 0 { out += reference } else { out.append(byte) }
                }
            case .markup(let quote, let change, let previous):
                out.append(byte)
                if let quote {
                    if byte == quote { state = .markup(quote: nil, depthChange: change, previous: byte) }
                } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                    state = .markup(quote: byte, depthChange: change, previous: byte)
                } else if byte == UInt8(ascii: ">") {
                    if !(change == 1 && previous == UInt8(ascii: "/")) { depth += change }
                    state = .text
                } else {
                    state = .markup(quote: nil, depthChange: change, previous: byte)
                }
            case .cdata:
                if matches(cdataClose, in: document, at: index) {
                    out += cdataClose
                    index += cdataClose.count
                    state = .text
                    continue
                }
                if byte == 13 { out += cdataBreak } else { out.append(byte) }
            case .verbatim(let closer):
                if matches(closer, in: document, at: index) {
                    out += closer
                    index += closer.count
                    state = .text
                    continue
                }
                out.append(byte)
            }
            index += 1
        }
        return out
    }

    /// Whether the document is in UTF-16 or UTF-32 rather than an encoding whose
    /// markup bytes are ASCII.
    private static func isWide(_ document: [UInt8]) -> Bool {
        let head = document.prefix(4)
        return head.starts(with: [0xFE, 0xFF]) || head.starts(with: [0xFF, 0xFE]) || head.contains(0)
    }

    private static func matches(_ pattern: [UInt8], in document: [UInt8], at index: Int) -> Bool {
        guard index + pattern.count <= document.count else { return false }
        for offset in pattern.indices where document[index + offset] != pattern[offset] { return false }
        return true
    }
}
