/// Small readers for single header values.
enum HeaderValue {
    /// Text for display and search: control characters (tabs left by unfolding,
    /// stray CRs, anything below U+0020 and DEL) become spaces, and outer white
    /// space is trimmed.
    static func cleanText(_ utf8: [UInt8]) -> String {
        let clean = utf8.allSatisfy { $0 >= 0x20 && $0 != 0x7F }
        if clean && utf8.first != 0x20 && utf8.last != 0x20 { return String(decoding: utf8, as: UTF8.self) }
        var bytes = utf8
        for index in bytes.indices where bytes[index] < 0x20 || bytes[index] == 0x7F {
            bytes[index] = 0x20
        }
        var low = 0
        var high = bytes.count
        while low < high && bytes[low] == 0x20 { low += 1 }
        while high > low && bytes[high - 1] == 0x20 { high -= 1 }
        return String(decoding: bytes[low..<high], as: UTF8.self)
    }

    /// The Message-ID without angle brackets: the text of the first `<…>`, or, when
    /// there are no brackets, the first word; nil when nothing is left. White space
    /// inside the brackets (left by folding) is removed.
    static func messageID(_ raw: [UInt8]) -> String? {
        var bytes: ArraySlice<UInt8> = raw[...]
        if let open = raw.firstIndex(of: UInt8(ascii: "<")) {
            let close = raw[(open + 1)...].firstIndex(of: UInt8(ascii: ">")) ?? raw.endIndex
            bytes = raw[(open + 1)..<close]
        } else {
            let start = raw.firstIndex { !isSpace($0) } ?? raw.endIndex
            let end = raw[start...].firstIndex(where: isSpace) ?? raw.endIndex
            bytes = raw[start..<end]
        }
        let kept = bytes.filter { !isSpace($0) && $0 >= 0x20 && $0 != 0x7F }
        guard !kept.isEmpty else { return nil }
        return String(decoding: HeaderText.utf8(kept), as: UTF8.self)
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A
    }
}
