/// mboxrd quoting of a message fed piece by piece, for a message too large to hold:
/// the output is exactly what `MboxFormat.appendQuoted` writes for the whole message
/// (CRLF turned into LF, one more `>` on each `>*From ` line, a final LF when the
/// message lacks one), whatever the piece boundaries. It holds at most the four bytes
/// of a `From ` not yet complete and one CR.
struct MboxQuoter {
    private static let from: [UInt8] = Array("From ".utf8)
    /// True at the start of a line, and while the line is still `>*` and a `From `
    /// prefix (`matched` bytes of it): whether it needs a quote is not known yet.
    private var deciding = true
    private var matched = 0
    /// A CR not yet written: dropped when an LF follows.
    private var pendingCR = false
    /// True once any byte came in; a message that did not end with LF gets one.
    private var lineOpen = false

    /// Quotes `bytes`, appending what is decided to `output`.
    mutating func quote(_ bytes: UnsafeRawBufferPointer, into output: inout [UInt8]) {
        var index = 0
        while index < bytes.count {
            if !deciding && !pendingCR {
                // Inside a line already decided: copy up to the next CR or LF at once.
                var end = index
                while end < bytes.count && bytes[end] != 0x0A && bytes[end] != 0x0D { end += 1 }
                if end > index {
                    output.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[index..<end]))
                    lineOpen = true
                    index = end
                    continue
                }
            }
            take(bytes[index], into: &output)
            index += 1
        }
    }

    /// Writes what is held and the final LF when the message did not end with one.
    mutating func finish(into output: inout [UInt8]) {
        flushPrefix(into: &output)
        if pendingCR { output.append(0x0D) }
        pendingCR = false
        if lineOpen { output.append(0x0A) }
        lineOpen = false
    }

    private mutating func take(_ byte: UInt8, into output: inout [UInt8]) {
        if byte == 0x0A {
            flushPrefix(into: &output)
            pendingCR = false
            output.append(0x0A)
            deciding = true
            lineOpen = false
            return
        }
        lineOpen = true
        if pendingCR {
            flushPrefix(into: &output)
            output.append(0x0D)
            pendingCR = false
        }
        if byte == 0x0D {
            pendingCR = true
            return
        }
        guard deciding else {
            output.append(byte)
            return
        }
        if matched == 0 && byte == UInt8(ascii: ">") {
            // Every `>` of the run is the same byte: the quote, if one is needed, can
            // go just before the `From `, so the run is written as it comes.
            output.append(byte)
            return
        }
        if byte == MboxQuoter.from[matched] {
            matched += 1
            if matched == MboxQuoter.from.count {
                output.append(UInt8(ascii: ">"))
                output += MboxQuoter.from
                matched = 0
                deciding = false
            }
            return
        }
        flushPrefix(into: &output)
        output.append(byte)
    }

    /// Writes the partial `From ` held, unquoted: the line is decided.
    private mutating func flushPrefix(into output: inout [UInt8]) {
        if matched > 0 { output += MboxQuoter.from[0..<matched] }
        matched = 0
        deciding = false
    }
}
