import Foundation

/// The MIME header fields of one entity (a message or a body part) that decide how its
/// body is read: Content-Type with its parameters, Content-Transfer-Encoding and
/// Content-Disposition (RFC 2045, RFC 2046, RFC 2183).
struct MIMEHeaders {
    /// A parsed Content-Type; `text/plain; charset=us-ascii` when absent (RFC 2045 §5.2).
    struct ContentType {
        var mediaType = "text"
        var subtype = "plain"
        /// Parameters by lowercase name, values unquoted.
        var parameters: [String: String] = [:]
    }

    var contentType = ContentType()
    /// Lowercased, `7bit` when absent.
    var transferEncoding = "7bit"
    /// True when Content-Disposition says `attachment`.
    var isAttachment = false

    /// The entity's headers and its body (after the first empty line).
    static func split(_ entity: ArraySlice<UInt8>) -> (MIMEHeaders, ArraySlice<UInt8>) {
        var headers = MIMEHeaders()
        var fields: [(String, String)] = []
        var index = entity.startIndex
        var bodyStart = entity.endIndex
        while index < entity.endIndex {
            var lineEnd = entity[index...].firstIndex(of: 0x0A) ?? entity.endIndex
            let next = lineEnd < entity.endIndex ? lineEnd + 1 : lineEnd
            if lineEnd > index && entity[lineEnd - 1] == 0x0D { lineEnd -= 1 }
            if lineEnd == index {
                bodyStart = next
                break
            }
            let line = String(decoding: entity[index..<lineEnd], as: UTF8.self)
            if line.first == " " || line.first == "\t", !fields.isEmpty {
                fields[fields.count - 1].1 += " " + line.trimmingCharacters(in: .whitespaces)
            } else if let colon = line.firstIndex(of: ":") {
                fields.append((line[..<colon].trimmingCharacters(in: .whitespaces).lowercased(), String(line[line.index(after: colon)...])))
            }
            index = next
        }
        for (name, value) in fields {
            switch name {
            case "content-type": headers.contentType = parseType(value)
            case "content-transfer-encoding": headers.transferEncoding = value.trimmingCharacters(in: .whitespaces).lowercased()
            case "content-disposition":
                headers.isAttachment = value.trimmingCharacters(in: .whitespaces).lowercased().hasPrefix("attachment")
            default: break
            }
        }
        return (headers, entity[bodyStart...])
    }

    /// `type/subtype; name=value; name="quoted value"`.
    static func parseType(_ value: String) -> ContentType {
        var type = ContentType()
        var pieces = splitParameters(value)
        let kind = pieces.removeFirst().trimmingCharacters(in: .whitespaces).lowercased().split(separator: "/", maxSplits: 1)
        if kind.count == 2 {
            type.mediaType = String(kind[0])
            type.subtype = String(kind[1]).trimmingCharacters(in: .whitespaces)
        }
        for piece in pieces {
            guard let equals = piece.firstIndex(of: "=") else { continue }
            let name = piece[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            var text = piece[piece.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if text.hasPrefix("\"") && text.hasSuffix("\"") && text.count >= 2 {
                text = String(text.dropFirst().dropLast()).replacingOccurrences(of: "\\\"", with: "\"")
            }
            type.parameters[name] = text
        }
        return type
    }

    /// Splits on `;` outside double quotes.
    private static func splitParameters(_ value: String) -> [String] {
        var pieces = [""]
        var quoted = false
        for character in value {
            if character == "\"" { quoted.toggle() }
            if character == ";" && !quoted { pieces.append("") } else { pieces[pieces.count - 1].append(character) }
        }
        return pieces
    }

    /// The body parts of a multipart body: what lies between `--boundary` lines, up to
    /// the closing `--boundary--` (or the end).
    static func parts(of body: ArraySlice<UInt8>, boundary: [UInt8]) -> [ArraySlice<UInt8>] {
        let delimiter = [UInt8]("--".utf8) + boundary
        var parts: [ArraySlice<UInt8>] = []
        var partStart: Int?
        var index = body.startIndex
        while index < body.endIndex {
            let lineEnd = body[index...].firstIndex(of: 0x0A) ?? body.endIndex
            let line = body[index..<lineEnd]
            if line.starts(with: delimiter) {
                var previousEnd = index
                if previousEnd > body.startIndex && body[previousEnd - 1] == 0x0A { previousEnd -= 1 }
                if previousEnd > body.startIndex && body[previousEnd - 1] == 0x0D { previousEnd -= 1 }
                if let start = partStart, start <= previousEnd { parts.append(body[start..<previousEnd]) }
                let rest = line.dropFirst(delimiter.count)
                if rest.starts(with: [UInt8]("--".utf8)) { return parts }
                partStart = lineEnd < body.endIndex ? lineEnd + 1 : body.endIndex
            }
            index = lineEnd < body.endIndex ? lineEnd + 1 : body.endIndex
        }
        if let start = partStart, start < body.endIndex { parts.append(body[start...]) }
        return parts
    }
}
