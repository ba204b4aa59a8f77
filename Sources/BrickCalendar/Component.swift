/// A component of iCalendar or vCard content: `BEGIN:NAME`, its properties, nested
/// components, `END:NAME`.
struct Component: Sendable {
    /// The component name, upper-cased (VCALENDAR, VEVENT, VCARD, …).
    var name: String
    /// Its own content lines, in order, BEGIN and END left out.
    var properties: [ContentLine] = []
    /// Nested components, in order.
    var children: [Component] = []

    /// The first property called `name`.
    func property(_ name: String) -> ContentLine? {
        properties.first { $0.name == name }
    }

    /// Every property called `name`.
    func properties(_ name: String) -> [ContentLine] {
        properties.filter { $0.name == name }
    }

    /// The top-level components of `lines` and what was wrong with their nesting:
    /// an END without its BEGIN, a component never ended, lines outside any component.
    static func tree(_ lines: [ContentLine]) -> (components: [Component], problems: [String]) {
        var stack: [Component] = []
        var top: [Component] = []
        var problems: [String] = []
        for line in lines {
            switch line.name {
            case "BEGIN":
                stack.append(Component(name: line.rawText.uppercased().trimmingSpaces))
            case "END":
                let name = line.rawText.uppercased().trimmingSpaces
                guard let open = stack.last else {
                    problems.append("END:\(name) without BEGIN")
                    continue
                }
                if open.name != name { problems.append("END:\(name) closes BEGIN:\(open.name)") }
                stack.removeLast()
                if stack.isEmpty { top.append(open) } else { stack[stack.count - 1].children.append(open) }
            default:
                if stack.isEmpty {
                    if problems.count < 5 { problems.append("\(line.name) outside any component") }
                } else {
                    stack[stack.count - 1].properties.append(line)
                }
            }
        }
        while let open = stack.popLast() {
            problems.append("BEGIN:\(open.name) never ended")
            if stack.isEmpty { top.append(open) } else { stack[stack.count - 1].children.append(open) }
        }
        return (top, problems)
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces and tabs.
    var trimmingSpaces: String {
        var slice = Substring(self)
        while let first = slice.first, first == " " || first == "\t" { slice.removeFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice.removeLast() }
        return String(slice)
    }
}
