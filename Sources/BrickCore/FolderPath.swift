/// A mailbox folder's path as a list of names, e.g. `["INBOX", "Archive", "2025"]`.
///
/// Components are real UTF-8 names (already decoded from modified UTF-7 or whatever
/// the upstream used). The text form joins them with `/`; a component may itself hold
/// `/` (a server whose delimiter is `.` allows it), which the text form writes as `\/`.
/// An empty component (the IMAP name `a//b`) is written `\0`, so it survives the text
/// form; empty components without it (`/Archive//2025/`, typed by hand) are dropped.
public struct FolderPath: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The names from the root down.
    public var components: [String]

    /// Creates a path from its components.
    public init(_ components: [String]) {
        self.components = components
    }

    /// Parses the text form (`Archive/2025`; `\/` and `\\` escape a slash and a
    /// backslash; a component that is exactly `\0` is an empty name). Reads Unicode
    /// scalars, not characters: a combining mark after a `/` or `\` must not merge with
    /// it into one character and hide the separator.
    public init(parsing text: String) {
        var parts: [String] = []
        var current = String.UnicodeScalarView()
        var raw = String.UnicodeScalarView()
        var escaping = false
        func endComponent() {
            if String(raw) == "\\0" {
                parts.append("")
            } else if !current.isEmpty {
                parts.append(String(current))
            }
            current = String.UnicodeScalarView()
            raw = String.UnicodeScalarView()
        }
        for scalar in text.unicodeScalars {
            if escaping {
                current.append(scalar)
                raw.append(scalar)
                escaping = false
            } else if scalar == "\\" {
                escaping = true
                raw.append(scalar)
            } else if scalar == "/" {
                endComponent()
            } else {
                current.append(scalar)
                raw.append(scalar)
            }
        }
        endComponent()
        self.components = parts
    }

    /// The root of the hierarchy (no components).
    public static let root = FolderPath([])

    /// The INBOX folder.
    public static let inbox = FolderPath(["INBOX"])

    /// The text form, components joined by `/`.
    public var description: String {
        var text = String.UnicodeScalarView()
        for (index, component) in components.enumerated() {
            if index > 0 { text.append("/") }
            if component.isEmpty {
                text.append(contentsOf: "\\0".unicodeScalars)
                continue
            }
            for scalar in component.unicodeScalars {
                if scalar == "\\" || scalar == "/" { text.append("\\") }
                text.append(scalar)
            }
        }
        return String(text)
    }

    /// The last component, or an empty string for the root.
    public var name: String { components.last ?? "" }

    /// The folder that contains this one, or nil for a top-level folder and the root.
    public var parent: FolderPath? {
        components.isEmpty ? nil : FolderPath(Array(components.dropLast()))
    }

    /// This path with `name` appended.
    public func appending(_ name: String) -> FolderPath {
        FolderPath(components + [name])
    }

    /// This path with `other`'s components appended.
    public func appending(_ other: FolderPath) -> FolderPath {
        FolderPath(components + other.components)
    }

    /// True when `self` equals `ancestor` or lies below it.
    public func isWithin(_ ancestor: FolderPath) -> Bool {
        components.count >= ancestor.components.count
            && Array(components.prefix(ancestor.components.count)) == ancestor.components
    }

    /// The folder's depth: 1 for a top-level folder.
    public var depth: Int { components.count }

    public static func < (lhs: FolderPath, rhs: FolderPath) -> Bool {
        lhs.components.lexicographicallyPrecedes(rhs.components)
    }
}
