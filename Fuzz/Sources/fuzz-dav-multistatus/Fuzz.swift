/// libFuzzer entry: the input is the body of a 207 Multi-Status answer from a CalDAV
/// or CardDAV server; its first byte picks the size of the pieces the body arrives in.
/// Checked on every input:
/// - the answer read piece by piece (`MultistatusReader`, as a listing reads it off the
///   connection) is the answer read whole, or both are refused;
/// - a well-formed answer with its carriage returns kept as character references
///   (`CarriageReturnGuard`, as a multiget's answer is read) is still well-formed, and
///   when the body holds no character reference of its own it reads the same but for
///   its line ends (CR and LF left out of every text: libxml2 folds a CR LF in
///   character data to LF but keeps a CR in CDATA, so counting line ends would compare
///   libxml2's quirks, not the guard).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDAVMultistatus(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    guard let first = input.first else { return 0 }
    let body = Array(input.dropFirst())
    let pieceSize = Int(first % 64) + 1
    let whole = try? Multistatus(parsing: body, href: "/fuzz/")

    let reader = MultistatusReader(href: "/fuzz/")
    var offset = 0
    while offset < body.count {
        let end = min(offset + pieceSize, body.count)
        reader.consume(Array(body[offset..<end]))
        offset = end
    }
    let pieces = try? reader.finish()
    precondition(pieces == whole, "the answer read in pieces of \(pieceSize) bytes differs from the answer read whole")

    guard let whole else { return 0 }
    guard let guarded = try? Multistatus(parsing: CarriageReturnGuard.protect(body), href: "/fuzz/") else {
        preconditionFailure("the carriage return guard made a well-formed answer ill-formed")
    }
    let hasReferences = body.indices.dropLast().contains { body[$0] == UInt8(ascii: "&") && body[$0 + 1] == UInt8(ascii: "#") }
    if !hasReferences {
        precondition(LineEnds.fold(guarded) == LineEnds.fold(whole), "the carriage return guard changed more than line ends")
    } else {
        precondition(guarded.responses.count == whole.responses.count, "the carriage return guard changed the responses")
    }
    return 0
}

/// A parsed answer's text without its line ends, so that an answer read with its
/// carriage returns kept compares with one read without.
enum LineEnds {
    static func fold(_ answer: Multistatus) -> Multistatus {
        Multistatus(
            responses: answer.responses.map { response in
                DAVResponse(href: fold(response.href), status: response.status, properties: response.properties.map(fold))
            },
            syncToken: answer.syncToken.map(fold))
    }

    static func fold(_ node: XMLNode) -> XMLNode {
        XMLNode(namespace: node.namespace, name: node.name, attributes: node.attributes, text: fold(node.text),
                children: node.children.map(fold))
    }

    /// `text` without CR and LF.
    static func fold(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars where scalar != "\r" && scalar != "\n" { out.append(scalar) }
        return String(out)
    }
}
