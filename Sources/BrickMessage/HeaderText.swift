/// Turns raw header bytes into UTF-8.
///
/// RFC 5322 headers are ASCII, but real mail carries 8-bit bytes in them: RFC 6532
/// UTF-8 from modern clients, and bare latin-1 or windows-1252 from old ones. Bytes
/// that form valid UTF-8 are taken as UTF-8; anything else is read as windows-1252,
/// which is a superset of the printable part of ISO-8859-1.
enum HeaderText {
    /// UTF-8 bytes for `bytes`, following the rule above.
    static func utf8(_ bytes: [UInt8]) -> [UInt8] {
        if isASCII(bytes) || isValidUTF8(bytes) { return bytes }
        return windows1252ToUTF8(bytes)
    }

    /// A string for `bytes`, following the rule above.
    static func string(_ bytes: [UInt8]) -> String {
        String(decoding: utf8(bytes), as: UTF8.self)
    }

    /// True when every byte is 7-bit.
    static func isASCII(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { buffer in
            var combined: UInt8 = 0
            for byte in buffer { combined |= byte }
            return combined < 0x80
        }
    }

    /// True when `bytes` is well-formed UTF-8.
    static func isValidUTF8(_ bytes: [UInt8]) -> Bool {
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue: continue
            case .emptyInput: return true
            case .error: return false
            }
        }
    }

    /// Transcodes windows-1252 bytes to UTF-8. The five bytes windows-1252 leaves
    /// undefined map to the C1 controls of the same value, as ISO-8859-1 would.
    static func windows1252ToUTF8(_ bytes: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + bytes.count / 2)
        for byte in bytes {
            let scalar: UInt32
            if byte < 0x80 {
                output.append(byte)
                continue
            } else if byte < 0xA0 {
                scalar = UInt32(windows1252High[Int(byte - 0x80)])
            } else {
                scalar = UInt32(byte)
            }
            appendUTF8(scalar, to: &output)
        }
        return output
    }

    /// Transcodes ISO-8859-1 bytes to UTF-8.
    static func latin1ToUTF8(_ bytes: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + bytes.count / 2)
        for byte in bytes { appendUTF8(UInt32(byte), to: &output) }
        return output
    }

    /// Appends the UTF-8 form of a scalar value below U+10000.
    static func appendUTF8(_ scalar: UInt32, to output: inout [UInt8]) {
        if scalar < 0x80 {
            output.append(UInt8(scalar))
        } else if scalar < 0x800 {
            output.append(UInt8(0xC0 | scalar >> 6))
            output.append(UInt8(0x80 | scalar & 0x3F))
        } else {
            output.append(UInt8(0xE0 | scalar >> 12))
            output.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            output.append(UInt8(0x80 | scalar & 0x3F))
        }
    }

    /// Code points of windows-1252 bytes 0x80…0x9F.
    private static let windows1252High: [UInt16] = [
        0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
        0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
        0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
        0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
    ]
}
