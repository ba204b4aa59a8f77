/// URLs as they may appear in messages: a URL typed with a password in it
/// (`https://alice:secret@host/`) is refused, and the refusal must not print the password.
public enum URLUserInfo {
    /// `url` with the user information of its authority, if any, replaced by `***`.
    public static func redacted(_ url: String) -> String {
        guard let scheme = url.range(of: "://") else { return url }
        let rest = url[scheme.upperBound...]
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
        guard let at = rest[..<authorityEnd].lastIndex(of: "@") else { return url }
        return String(url[..<scheme.upperBound]) + "***" + String(rest[at...])
    }
}
