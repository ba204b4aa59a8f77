/// How a Maildir stores its folders below the root (which is INBOX).
public enum MaildirLayout: String, Sendable, CaseIterable {
    /// Maildir++ (Courier, Dovecot's default): every folder is a directory
    /// `.Parent.Child` beside the root's `cur/`, `new/`, `tmp/`, named in modified UTF-7.
    case maildirPlusPlus = "maildir++"
    /// Dovecot's `LAYOUT=fs`: folders are nested directories `Parent/Child`, each with
    /// its own `cur/`, `new/`, `tmp/`.
    case fs
    /// Detect from the root: dot-directories mean Maildir++, other subdirectories
    /// besides `cur/`, `new/`, `tmp/` mean `fs`; Maildir++ when there are neither.
    case auto
}
