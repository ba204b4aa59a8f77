import BrickCore

/// Percent-encoding of URL paths, as DAV hrefs need it (RFC 3986: unreserved
/// characters and the sub-delimiters a path segment may hold stay as they are).
public enum DAVPath {
    private static let segmentSafe: Set<UInt8> = Set(
        Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=:@".utf8))

    /// `segment` percent-encoded as one path segment (`/` and `%` encoded too).
    public static func encodeSegment(_ segment: String) -> String {
        // A hostile href backed up as the key `..` must not climb out of the
        // collection on restore (servers may undo `%2E%2E` too): such a name gets an
        // underscore in front.
        if segment.isEmpty || segment == "." || segment == ".." { return "_" + segment }
        var out = ""
        for byte in segment.utf8 {
            if segmentSafe.contains(byte) {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }

    /// The percent-decoded text of `text`; invalid escapes (a `%` not followed by two
    /// hexadecimal digits) and bytes that are not UTF-8 stay as they are.
    public static func decode(_ text: String) -> String {
        var bytes: [UInt8] = []
        let source = Array(text.utf8)
        var index = 0
        while index < source.count {
            if source[index] == UInt8(ascii: "%"), index + 2 < source.count,
                let high = HexDigit.value(source[index + 1]), let low = HexDigit.value(source[index + 2])
            {
                bytes.append(high << 4 | low)
                index += 3
            } else {
                bytes.append(source[index])
                index += 1
            }
        }
        return String(validating: bytes, as: UTF8.self) ?? text
    }

    /// The path part of an href, which may be an absolute URL (`https://host/a/b`).
    public static func path(of href: String) -> String {
        let lower = href.lowercased()
        guard lower.hasPrefix("http://") || lower.hasPrefix("https://") else { return href }
        let afterScheme = href[href.index(href.startIndex, offsetBy: lower.hasPrefix("https") ? 8 : 7)...]
        guard let slash = afterScheme.firstIndex(of: "/") else { return "/" }
        return String(afterScheme[slash...])
    }

    /// The last non-empty segment of a path, percent-decoded: a resource's file name.
    public static func lastSegment(of href: String) -> String {
        let segments = path(of: href).split(separator: "/", omittingEmptySubsequences: true)
        return segments.last.map { decode(String($0)) } ?? ""
    }

    /// `path` with a trailing slash.
    public static func asCollection(_ path: String) -> String {
        path.hasSuffix("/") ? path : path + "/"
    }

    /// True when two hrefs name the same resource (ignoring a trailing slash and
    /// percent-encoding differences).
    public static func same(_ lhs: String, _ rhs: String) -> Bool {
        func normal(_ href: String) -> String {
            var text = decode(path(of: href))
            while text.count > 1 && text.hasSuffix("/") { text.removeLast() }
            return text
        }
        return normal(lhs) == normal(rhs)
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
