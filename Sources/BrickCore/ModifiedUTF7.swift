/// IMAP's modified UTF-7 mailbox-name encoding (RFC 3501 §5.1.3), used on the wire
/// by IMAP and in Maildir++ folder directory names that Dovecot writes.
///
/// Printable ASCII other than `&` stands for itself; `&-` is `&`; other characters are
/// UTF-16, base64-encoded with `,` instead of `/`, between `&` and `-`.
public enum ModifiedUTF7 {
    /// Why a name could not be decoded.
    public struct DecodingError: Error, Equatable, Sendable, CustomStringConvertible {
        /// The name that failed.
        public var name: String
        public var description: String { "not valid modified UTF-7: \(name)" }
    }

    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,".utf8)
    private static let reverse: [UInt8: UInt8] = {
        var table: [UInt8: UInt8] = [:]
        for (index, byte) in alphabet.enumerated() { table[byte] = UInt8(index) }
        return table
    }()

    /// Encodes a UTF-8 name for the wire.
    public static func encode(_ name: String) -> String {
        var output = ""
        var pending: [UInt16] = []

        func flush() {
            guard !pending.isEmpty else { return }
            var bytes: [UInt8] = []
            for unit in pending { bytes.append(UInt8(unit >> 8)); bytes.append(UInt8(unit & 0xFF)) }
            output.append("&")
            var index = 0
            while index < bytes.count {
                let b0 = bytes[index]
                let b1 = index + 1 < bytes.count ? bytes[index + 1] : 0
                let b2 = index + 2 < bytes.count ? bytes[index + 2] : 0
                let remaining = bytes.count - index
                output.unicodeScalars.append(UnicodeScalar(alphabet[Int(b0 >> 2)]))
                output.unicodeScalars.append(UnicodeScalar(alphabet[Int((b0 & 0x03) << 4 | b1 >> 4)]))
                if remaining > 1 { output.unicodeScalars.append(UnicodeScalar(alphabet[Int((b1 & 0x0F) << 2 | b2 >> 6)])) }
                if remaining > 2 { output.unicodeScalars.append(UnicodeScalar(alphabet[Int(b2 & 0x3F)])) }
                index += 3
            }
            output.append("-")
            pending.removeAll()
        }

        for scalar in name.unicodeScalars {
            if scalar.value >= 0x20 && scalar.value <= 0x7E {
                flush()
                output.append(scalar == "&" ? "&-" : String(scalar))
            } else {
                pending.append(contentsOf: String(scalar).utf16)
            }
        }
        flush()
        return output
    }

    /// Decodes a wire name to UTF-8; throws on malformed input.
    public static func decode(_ encoded: String) throws -> String {
        let bytes = Array(encoded.utf8)
        var output = String.UnicodeScalarView()
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            guard byte == UInt8(ascii: "&") else {
                guard byte >= 0x20 && byte <= 0x7E else { throw DecodingError(name: encoded) }
                output.append(UnicodeScalar(byte))
                index += 1
                continue
            }
            guard let end = bytes[(index + 1)...].firstIndex(of: UInt8(ascii: "-")) else {
                throw DecodingError(name: encoded)
            }
            if end == index + 1 {
                output.append("&")
            } else {
                output.append(contentsOf: try decodeBase64Run(bytes[(index + 1)..<end], name: encoded))
            }
            index = end + 1
        }
        return String(output)
    }

    /// Decodes, or returns the name unchanged when it is not valid modified UTF-7.
    public static func decodeLeniently(_ encoded: String) -> String {
        (try? decode(encoded)) ?? encoded
    }

    private static func decodeBase64Run(_ run: ArraySlice<UInt8>, name: String) throws -> String.UnicodeScalarView {
        var bits: UInt32 = 0
        var bitCount = 0
        var units: [UInt16] = []
        for char in run {
            guard let value = reverse[char] else { throw DecodingError(name: name) }
            bits = bits << 6 | UInt32(value)
            bitCount += 6
            if bitCount >= 16 {
                bitCount -= 16
                let unit = UInt16(truncatingIfNeeded: bits >> UInt32(bitCount))
                units.append(unit)
            }
        }
        guard !units.isEmpty else { throw DecodingError(name: name) }
        var scalars = String.UnicodeScalarView()
        var iterator = units.makeIterator()
        var decoder = UTF16()
        loop: while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                // Printable ASCII must not be encoded in a base64 run.
                if scalar.value >= 0x20 && scalar.value <= 0x7E { throw DecodingError(name: name) }
                scalars.append(scalar)
            case .emptyInput: break loop
            case .error: throw DecodingError(name: name)
            }
        }
        return scalars
    }
}
