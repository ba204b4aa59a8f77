/// Drops HTML markup for indexing: tags, `<script>` and `<style>` contents, and turns
/// the common character references into their characters.
///
/// It works on the UTF-8 bytes in one pass, in time linear in the input whatever the
/// markup: a message's HTML comes from anyone who can send mail, and a body of many
/// `<script>` tags without their end tag must not make a backup search the rest of
/// the body again at each one.
enum HTMLText {
    /// The text of `html` without its markup; each tag becomes a space. Stops once the
    /// text has reached `limit` bytes (it may pass it by one reference).
    static func strip(_ html: [UInt8], limit: Int = .max) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(min(html.count, limit))
        /// Where a search for an element's end tag failed: none lies at or after it.
        var noEndTagFrom: [RawTextElement: Int] = [:]
        var index = 0
        while index < html.count && output.count < limit {
            let byte = html[index]
            if byte == UInt8(ascii: "<") {
                output.append(0x20)
                if let element = RawTextElement.opened(in: html, at: index), (noEndTagFrom[element] ?? .max) > index {
                    if let end = element.endTagEnd(in: html, from: index) {
                        index = end
                        continue
                    }
                    noEndTagFrom[element] = index
                }
                guard let close = html[index...].firstIndex(of: UInt8(ascii: ">")) else { break }
                index = close + 1
                continue
            }
            if byte == UInt8(ascii: "&"), let (text, length) = reference(in: html, at: index) {
                output += text
                index += length
                continue
            }
            output.append(byte)
            index += 1
        }
        return output
    }

    /// The character references turned into text, each a name and its character.
    private static let references: [(name: [UInt8], text: [UInt8])] = [
        ("&nbsp;", " "), ("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&amp;", "&"),
    ].map { (Array($0.0.utf8), Array($0.1.utf8)) }

    /// The reference starting at `index` (at an `&`), if it is one of `references`: its
    /// text and its length in the input.
    private static func reference(in html: [UInt8], at index: Int) -> ([UInt8], Int)? {
        for (name, text) in references where html.count - index >= name.count {
            if html[index..<(index + name.count)].elementsEqual(name) { return (text, name.count) }
        }
        return nil
    }
}

/// An element whose content is not text to index: `<script>` and `<style>`.
private enum RawTextElement: Hashable {
    case script, style

    /// The element whose start tag begins at `index` (an `<`), matched as `<script` or
    /// `<style` in any case.
    static func opened(in html: [UInt8], at index: Int) -> RawTextElement? {
        if html.hasCaseInsensitivePrefix("<script", at: index) { return .script }
        if html.hasCaseInsensitivePrefix("<style", at: index) { return .style }
        return nil
    }

    /// Just past the first `</script>` or `</style>` (any case) at or after `index`;
    /// nil when there is none.
    func endTagEnd(in html: [UInt8], from index: Int) -> Int? {
        let tag = self == .script ? "</script>" : "</style>"
        var at = index
        while let open = html[at...].firstIndex(of: UInt8(ascii: "<")) {
            if html.hasCaseInsensitivePrefix(tag, at: open) { return open + tag.utf8.count }
            at = open + 1
        }
        return nil
    }
}

extension [UInt8] {
    /// Whether the bytes at `index` are the ASCII `prefix`, letters in either case.
    fileprivate func hasCaseInsensitivePrefix(_ prefix: String, at index: Int) -> Bool {
        let pattern = prefix.utf8
        guard count - index >= pattern.count else { return false }
        var at = index
        for expected in pattern {
            let byte = self[at]
            let lowered = byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
            guard lowered == expected else { return false }
            at += 1
        }
        return true
    }
}
