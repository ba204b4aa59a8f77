import Foundation

/// Drops HTML markup for indexing: tags, `<script>` and `<style>` contents, and turns
/// the common character references into their characters.
enum HTMLText {
    static func strip(_ html: [UInt8]) -> [UInt8] {
        let text = String(decoding: html, as: UTF8.self)
        var output = ""
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if character == "<" {
                let rest = text[index...].prefix(8).lowercased()
                let skipTo = rest.hasPrefix("<script") ? "</script>" : rest.hasPrefix("<style") ? "</style>" : nil
                if let skipTo, let end = text.range(of: skipTo, options: .caseInsensitive, range: index..<text.endIndex) {
                    index = end.upperBound
                } else if let close = text[index...].firstIndex(of: ">") {
                    index = text.index(after: close)
                } else {
                    index = text.endIndex
                }
                output.append(" ")
                continue
            }
            output.append(character)
            index = text.index(after: index)
        }
        for (entity, value) in [("&nbsp;", " "), ("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&amp;", "&")] {
            output = output.replacingOccurrences(of: entity, with: value)
        }
        return Array(output.utf8)
    }
}
