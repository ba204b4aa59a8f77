import BrickCore
import BrickMessage

/// Turns a mailbox or key name into one safe file-name component.
///
/// A folder called `../x`, `a/b`, `.` or `` must neither leave the target directory
/// nor land in another folder's place. The encoding percent-escapes `%` itself, `/`,
/// `\`, NUL and other control characters, the characters Windows refuses
/// (`<>:"|?*`), a leading dot (so no `.`, `..` or hidden files), and a trailing dot
/// or space (which Windows drops). Everything else, UTF-8 included, stays readable.
/// The empty name becomes `%empty`, which the escaping never produces otherwise.
/// Names longer than 200 bytes are cut and end in `%` and 16 hex digits of their
/// SHA-256, so different long names stay different.
public enum SafePathComponent {
    /// The longest component this produces, in UTF-8 bytes, leaving room for suffixes.
    static let maximumLength = 200

    /// The safe component for `name`.
    public static func encode(_ name: String) -> String {
        if name.isEmpty { return "%empty" }
        let bytes = Array(name.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        for (index, byte) in bytes.enumerated() {
            let leadingDot = index == 0 && byte == UInt8(ascii: ".")
            let trailing = index == bytes.count - 1 && (byte == UInt8(ascii: ".") || byte == 0x20)
            if leadingDot || trailing || needsEscape(byte) {
                output.append(UInt8(ascii: "%"))
                output.append(hexDigit(byte >> 4))
                output.append(hexDigit(byte & 0x0F))
            } else {
                output.append(byte)
            }
        }
        guard output.count > maximumLength else { return String(decoding: output, as: UTF8.self) }
        var cut = maximumLength - 17
        // Back up to a character boundary and out of a %XX escape.
        while cut > 0 && output[cut] & 0xC0 == 0x80 { cut -= 1 }
        if cut >= 1 && output[cut - 1] == UInt8(ascii: "%") { cut -= 1 }
        if cut >= 2 && output[cut - 2] == UInt8(ascii: "%") { cut -= 2 }
        let digest = String(SHA256Digest.hex(bytes).prefix(16))
        return String(decoding: output[..<cut], as: UTF8.self) + "%" + digest
    }

    /// The safe components of a folder path; the root becomes one `%empty` component.
    public static func components(of path: FolderPath) -> [String] {
        path.components.isEmpty ? [encode("")] : path.components.map(encode)
    }

    /// `component` with the dot before a `suffix` it ends with (compared without case)
    /// escaped, so that it cannot collide with a name the target itself adds the
    /// suffix to.
    static func escapingSuffix(_ component: String, _ suffix: String) -> String {
        guard component.lowercased().hasSuffix(suffix.lowercased()), suffix.hasPrefix(".") else { return component }
        return String(component.dropLast(suffix.count)) + "%2E" + suffix.dropFirst()
    }

    private static func needsEscape(_ byte: UInt8) -> Bool {
        switch byte {
        case 0..<0x20, 0x7F, UInt8(ascii: "%"), UInt8(ascii: "/"), UInt8(ascii: "\\"), UInt8(ascii: "<"),
            UInt8(ascii: ">"), UInt8(ascii: ":"), UInt8(ascii: "\""), UInt8(ascii: "|"), UInt8(ascii: "?"),
            UInt8(ascii: "*"):
            true
        default:
            false
        }
    }

    private static func hexDigit(_ value: UInt8) -> UInt8 {
        value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "A") + value - 10
    }
}
