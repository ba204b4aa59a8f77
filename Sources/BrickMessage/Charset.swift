#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Converts text in a MIME charset to UTF-8.
///
/// UTF-8, US-ASCII, ISO-8859-1 and windows-1252 are converted here; every other
/// charset goes through the C library's iconv, under the name iconv knows it by.
/// Charset labels in mail are often a little wrong, so some are widened to the
/// superset mailers really use: GB2312 and GBK to GB18030, Shift_JIS to CP932,
/// EUC-KR and ks_c_5601-1987 to CP949.
enum Charset {
    /// UTF-8 bytes for `bytes` in `charset`, or nil when the charset is unknown or
    /// the bytes are not valid in it. An RFC 2231 language suffix (`utf-8*en`) is ignored.
    static func utf8(_ bytes: [UInt8], charset label: String) -> [UInt8]? {
        var name = label.lowercased()
        if let star = name.firstIndex(of: "*") { name = String(name[..<star]) }
        switch name {
        case "utf-8", "utf8":
            return HeaderText.isValidUTF8(bytes) ? bytes : HeaderText.windows1252ToUTF8(bytes)
        case "us-ascii", "ascii", "ansi_x3.4-1968", "unknown-8bit", "x-unknown", "8bit":
            return HeaderText.utf8(bytes)
        case "iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "latin-1", "l1":
            return HeaderText.latin1ToUTF8(bytes)
        case "windows-1252", "cp1252", "x-cp1252":
            return HeaderText.windows1252ToUTF8(bytes)
        default:
            guard let iconvName = iconvName(for: name) else { return nil }
            return convert(bytes, from: iconvName)
        }
    }

    /// The iconv name for a lowercase MIME charset label, or nil for labels that
    /// are not plausible charset names.
    private static func iconvName(for name: String) -> String? {
        guard !name.isEmpty, name.utf8.count <= 40,
            name.utf8.allSatisfy({ isNameByte($0) })
        else { return nil }
        switch name {
        case "gb2312", "gbk", "cp936", "x-gbk", "euc-cn", "gb18030": return "GB18030"
        case "shift_jis", "shift-jis", "sjis", "x-sjis", "ms_kanji", "windows-31j", "cp932": return "CP932"
        case "euc-kr", "ks_c_5601-1987", "ks_c_5601", "cp949", "windows-949": return "CP949"
        case "big5", "x-big5", "cn-big5": return "BIG5-HKSCS"
        case "iso-8859-8-i", "iso-8859-8-e": return "ISO-8859-8"
        case "iso-8859-6-i", "iso-8859-6-e": return "ISO-8859-6"
        default:
            if name.hasPrefix("x-mac-") { return "MAC" + name.dropFirst(6).uppercased() }
            return name.uppercased()
        }
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: ":"):
            return true
        default:
            return false
        }
    }

    /// Runs iconv from `charset` to UTF-8; nil when iconv lacks the charset or
    /// the input holds a sequence invalid in it.
    private static func convert(_ bytes: [UInt8], from charset: String) -> [UInt8]? {
        let descriptor = iconv_open("UTF-8", charset)
        guard let descriptor, descriptor != UnsafeMutableRawPointer(bitPattern: -1) else { return nil }
        defer { iconv_close(descriptor) }
        if bytes.isEmpty { return [] }
        var input = bytes
        var output = [UInt8](repeating: 0, count: bytes.count * 4 + 16)
        let produced: Int? = input.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer in
                var inPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(inBuffer.baseAddress!)
                    .assumingMemoryBound(to: CChar.self)
                var outPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(outBuffer.baseAddress!)
                    .assumingMemoryBound(to: CChar.self)
                var inLeft = inBuffer.count
                var outLeft = outBuffer.count
                if iconv(descriptor, &inPointer, &inLeft, &outPointer, &outLeft) == -1 { return nil }
                // Flush any shift state (ISO-2022-JP ends in ASCII mode anyway).
                if iconv(descriptor, nil, nil, &outPointer, &outLeft) == -1 { return nil }
                return outBuffer.count - outLeft
            }
        }
        guard let produced else { return nil }
        output.removeSubrange(produced...)
        return output
    }
}
