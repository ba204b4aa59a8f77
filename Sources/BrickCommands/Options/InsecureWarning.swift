/// The terminal line every command prints once per server whose TLS certificate
/// `--insecure` leaves unchecked (the clients also log it, with the host).
enum InsecureWarning {
    /// Prints the warning for `server` ("the server", "the DAV server"), saying what an
    /// eavesdropper could read.
    static func print(server: String, exposing what: String) {
        Terminal.printError("warning: --insecure: \(server)'s certificate is not verified; anyone in the path can read \(what) and the password")
    }

    /// Prints the DAV warning when `insecure` is set and `url` uses TLS.
    static func printForDAV(url: String, insecure: Bool) {
        guard insecure, url.lowercased().hasPrefix("https://") else { return }
        print(server: "the DAV server", exposing: "the calendars, the contacts")
    }
}
