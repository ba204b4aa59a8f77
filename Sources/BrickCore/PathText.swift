/// Path arithmetic on plain strings, for paths an administrator typed.
///
/// Foundation's `NSString.deletingLastPathComponent` traps on a path with no slash
/// (`"a"`, `"."`) in the Swift runtime this project builds with, so a relative target
/// such as `--to eml:out` would crash the tool. These functions give the same answers
/// without Foundation.
public enum PathText {
    /// The directory part of `path`: `"/a/b"` → `"/a"`, `"a/b/"` → `"a"`, `"/a"` → `"/"`,
    /// `"a"` → `""`, `"/"` → `"/"`, `""` → `""`. Repeated slashes count as one.
    public static func parent(of path: String) -> String {
        let trimmed = dropTrailingSlashes(Substring(path))
        if trimmed.isEmpty { return path.hasPrefix("/") ? "/" : "" }
        guard let slash = trimmed.lastIndex(of: "/") else { return "" }
        let head = dropTrailingSlashes(trimmed[..<slash])
        return head.isEmpty ? "/" : String(head)
    }

    private static func dropTrailingSlashes(_ text: Substring) -> Substring {
        var end = text.endIndex
        while end > text.startIndex, text[text.index(before: end)] == "/" { end = text.index(before: end) }
        return text[..<end]
    }
}
