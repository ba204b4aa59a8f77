import BrickCore
import Foundation

/// The readable text of a message, for the full-text index: the text parts (text/plain,
/// and text/html with its markup dropped) after transfer decoding (base64,
/// quoted-printable) and charset conversion to UTF-8, in order, walking multipart
/// bodies and attached messages. Attachments (`Content-Disposition: attachment`) and
/// non-text parts are left out. The result stops at `limit` bytes of UTF-8.
public enum MessageText {
    /// The default cap per message: 64 KiB of text.
    public static let defaultLimit = 64 << 10

    /// The text of the raw message `raw`, at most `limit` bytes.
    public static func extract(_ raw: [UInt8], limit: Int = defaultLimit) -> String {
        var output: [UInt8] = []
        walk(raw[...], output: &output, limit: limit, depth: 0)
        if output.count > limit { output.removeLast(output.count - limit) }
        // A cut in the middle of a character decodes as U+FFFD: drop it.
        return String(decoding: output, as: UTF8.self).trimmingCharacters(in: ["\u{FFFD}"])
    }

    private static func walk(_ entity: ArraySlice<UInt8>, output: inout [UInt8], limit: Int, depth: Int) {
        guard output.count < limit, depth < 12 else { return }
        let (headers, body) = MIMEHeaders.split(entity)
        let type = headers.contentType
        if headers.isAttachment { return }
        switch type.mediaType {
        case "multipart":
            guard let boundary = type.parameters["boundary"], !boundary.isEmpty else { return }
            for part in MIMEHeaders.parts(of: body, boundary: Array(boundary.utf8)) {
                walk(part, output: &output, limit: limit, depth: depth + 1)
            }
        case "message" where type.subtype == "rfc822" || type.subtype == "global":
            walk(body, output: &output, limit: limit, depth: depth + 1)
        case "text" where type.subtype == "plain" || type.subtype == "html":
            var bytes = decode(body, encoding: headers.transferEncoding)
            bytes = Charset.utf8(bytes, charset: type.parameters["charset"] ?? "us-ascii") ?? HeaderText.utf8(bytes)
            if type.subtype == "html" { bytes = HTMLText.strip(bytes, limit: limit - output.count + 4) }
            if !output.isEmpty { output.append(0x0A) }
            output += bytes.prefix(limit - output.count + 4)
        default:
            return
        }
    }

    /// Undoes a Content-Transfer-Encoding.
    static func decode(_ body: ArraySlice<UInt8>, encoding: String) -> [UInt8] {
        switch encoding {
        case "base64": return TransferDecoding.b(body) ?? []
        case "quoted-printable": return quotedPrintable(body)
        default: return Array(body)
        }
    }

    /// Quoted-printable (RFC 2045 §6.7): `=XX` is a byte, `=` at a line end joins lines.
    static func quotedPrintable(_ text: ArraySlice<UInt8>) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(text.count)
        var index = text.startIndex
        while index < text.endIndex {
            let byte = text[index]
            if byte == UInt8(ascii: "=") {
                var next = index + 1
                while next < text.endIndex, text[next] == 0x20 || text[next] == 0x09 { next += 1 }
                if next < text.endIndex, text[next] == 0x0D || text[next] == 0x0A {
                    if text[next] == 0x0D, next + 1 < text.endIndex, text[next + 1] == 0x0A { next += 1 }
                    index = next + 1
                    continue
                }
                if index + 2 < text.endIndex, let high = HexDigit.value(text[index + 1]),
                    let low = HexDigit.value(text[index + 2])
                {
                    output.append(high << 4 | low)
                    index += 3
                    continue
                }
            }
            output.append(byte)
            index += 1
        }
        return output
    }
}
