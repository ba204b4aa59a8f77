/// Turns the words of `--text` and `--subject` into an FTS5 query that cannot be a
/// syntax error: every word becomes a quoted string (so `carol@example.com` or `Re:`
/// are searched as the words they hold), while FTS5's own forms keep their meaning:
/// a phrase in double quotes, a prefix `contr*`, the operators `AND`, `OR`, `NOT`,
/// and parentheses. Words next to each other must all match (FTS5's implicit AND).
public enum TextQuery {
    /// The FTS5 expression for `words`.
    public static func fts(_ words: String) -> String {
        var output: [String] = []
        var depth = 0
        for token in tokens(words) {
            switch token {
            case .phrase(let text, let prefix):
                output.append(quoted(text) + (prefix ? " *" : ""))
            case .word(let word):
                if ["AND", "OR", "NOT"].contains(word), let last = output.last, last != "(" && !["AND", "OR", "NOT"].contains(last) {
                    output.append(word)
                } else if word.count > 1 && word.hasSuffix("*") {
                    output.append(quoted(String(word.dropLast())) + " *")
                } else {
                    output.append(quoted(word))
                }
            case .open:
                depth += 1
                output.append("(")
            case .close:
                guard depth > 0 else { continue }
                if output.last == "(" {
                    output.removeLast()
                    depth -= 1
                    continue
                }
                depth -= 1
                output.append(")")
            }
        }
        while let last = output.last, ["AND", "OR", "NOT", "("].contains(last) {
            if last == "(" { depth -= 1 }
            output.removeLast()
        }
        output += Array(repeating: ")", count: max(0, depth))
        return output.isEmpty ? "\"\"" : output.joined(separator: " ")
    }

    private enum Token: Equatable {
        case word(String)
        case phrase(String, prefix: Bool)
        case open, close
    }

    private static func tokens(_ text: String) -> [Token] {
        var tokens: [Token] = []
        var current = ""
        var inPhrase = false
        func flush() {
            if !current.isEmpty { tokens.append(.word(current)) }
            current = ""
        }
        var characters = Array(text)[...]
        while let character = characters.popFirst() {
            if inPhrase {
                if character == "\"" {
                    let prefix = characters.first == "*"
                    if prefix { characters.removeFirst() }
                    tokens.append(.phrase(current, prefix: prefix))
                    current = ""
                    inPhrase = false
                } else {
                    current.append(character)
                }
            } else if character == "\"" {
                flush()
                inPhrase = true
            } else if character == "(" || character == ")" {
                flush()
                tokens.append(character == "(" ? .open : .close)
            } else if character.isWhitespace {
                flush()
            } else {
                current.append(character)
            }
        }
        if inPhrase { tokens.append(.phrase(current, prefix: false)) } else { flush() }
        return tokens
    }

    private static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
