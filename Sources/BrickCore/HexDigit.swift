/// Hexadecimal digits as the escapes of the formats Brick reads write them
/// (quoted-printable `=3D`, percent-encoding `%2F`): one ASCII byte each, no sign.
public enum HexDigit {
    /// The value of a hexadecimal digit of either case, nil for any other byte (unlike
    /// `UInt8(_:radix:)`, which would also take a sign).
    public static func value(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        default: nil
        }
    }
}
