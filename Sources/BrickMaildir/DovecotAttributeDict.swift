import Foundation

/// Dovecot's mail attributes (IMAP METADATA, RFC 5464) as its `file` dictionary keeps
/// them (`mail_attribute_dict = file:PATH`, one file per user): pairs of lines, the key
/// then the value, each tab-escaped as Dovecot's `str_append_tabescaped` does (`\001`
/// followed by `1`, `t`, `r`, `n` or `0` for byte 1, tab, CR, LF and NUL).
///
/// Keys are `priv/GUID/KEY` for `/private/KEY` and `shared/GUID/KEY` for `/shared/KEY`
/// of the folder whose mailbox GUID (the `G` field of its `dovecot-uidlist`) is GUID.
/// Server-level annotations are INBOX's, under `vendor/vendor.dovecot/pvt/server/`;
/// Dovecot keeps only `/private` ones there and refuses server-level `/shared`. Other
/// keys under `vendor/vendor.dovecot/pvt/` are Dovecot's own and never shown over IMAP.
public struct DovecotAttributeDict: Sendable, Equatable {
    /// The file's name in the user's home (the Maildir's parent) by the convention
    /// `mail_attribute_dict = file:%h/dovecot-attributes`.
    public static let defaultFileName = "dovecot-attributes"
    /// Where INBOX's keys hold the server-level annotations.
    static let serverPrefix = "vendor/vendor.dovecot/pvt/server/"
    /// Dovecot's internal keys, hidden from IMAP.
    static let internalPrefix = "vendor/vendor.dovecot/pvt/"

    /// The pairs in file order.
    public var entries: [(key: String, value: [UInt8])]

    /// An empty dictionary.
    public init() { entries = [] }

    /// Parses the file; a key without a value line (a torn file) is dropped.
    public init(parsing bytes: [UInt8]) {
        entries = []
        var lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true { lines.removeLast() }
        var index = 0
        while index + 1 < lines.count {
            let key = String(decoding: Self.unescape(lines[index]), as: UTF8.self)
            entries.append((key, Self.unescape(lines[index + 1])))
            index += 2
        }
    }

    /// The file's bytes.
    public func encoded() -> [UInt8] {
        var bytes: [UInt8] = []
        for (key, value) in entries {
            bytes += Self.escape(Array(key.utf8)) + [UInt8(ascii: "\n")] + Self.escape(value) + [UInt8(ascii: "\n")]
        }
        return bytes
    }

    /// Equal when they hold the same pairs in the same order.
    public static func == (lhs: DovecotAttributeDict, rhs: DovecotAttributeDict) -> Bool {
        lhs.entries.count == rhs.entries.count && zip(lhs.entries, rhs.entries).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }

    /// The value of `key`, nil when absent.
    public func value(of key: String) -> [UInt8]? { entries.first { $0.key == key }?.value }

    /// Sets `key` to `value`, replacing an entry of the key or appending one.
    public mutating func set(_ key: String, _ value: [UInt8]) {
        if let index = entries.firstIndex(where: { $0.key == key }) { entries[index].value = value } else { entries.append((key, value)) }
    }

    /// The dictionary key of the annotation `entry` (`/private/comment`) of the folder
    /// with mailbox GUID `guid`, or of the server when `server` (then `guid` is INBOX's);
    /// nil for an entry Dovecot does not keep there (not `/private` or `/shared`, a
    /// server-level `/shared` one).
    public static func key(entry: String, guid: String, server: Bool) -> String? {
        let lowered = entry.lowercased()
        let (prefix, rest): (String, Substring)
        if lowered.hasPrefix("/private/") {
            (prefix, rest) = ("priv/", entry.dropFirst("/private/".count))
        } else if lowered.hasPrefix("/shared/"), !server {
            (prefix, rest) = ("shared/", entry.dropFirst("/shared/".count))
        } else {
            return nil
        }
        guard !rest.isEmpty else { return nil }
        return prefix + guid + "/" + (server ? serverPrefix : "") + rest
    }

    /// What a key names: the GUID, the annotation entry and whether it is server-level
    /// (INBOX's server prefix, told by `inboxGUID`); nil for Dovecot's internal keys
    /// and keys of another form.
    public static func annotation(of key: String, inboxGUID: String?) -> (guid: String, entry: String, server: Bool)? {
        let parts = key.split(separator: "/", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[1].isEmpty, !parts[2].isEmpty else { return nil }
        let scope: String
        switch parts[0] {
        case "priv": scope = "/private/"
        case "shared": scope = "/shared/"
        default: return nil
        }
        let guid = String(parts[1]), rest = parts[2]
        if guid == inboxGUID, rest.hasPrefix(serverPrefix) {
            let name = rest.dropFirst(serverPrefix.count)
            return name.isEmpty ? nil : (guid, scope + name, true)
        }
        if rest.hasPrefix(internalPrefix) { return nil }
        return (guid, scope + rest, false)
    }

    static func escape(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        for byte in bytes {
            switch byte {
            case 0: out += [1, UInt8(ascii: "0")]
            case 1: out += [1, UInt8(ascii: "1")]
            case UInt8(ascii: "\t"): out += [1, UInt8(ascii: "t")]
            case UInt8(ascii: "\r"): out += [1, UInt8(ascii: "r")]
            case UInt8(ascii: "\n"): out += [1, UInt8(ascii: "n")]
            default: out.append(byte)
            }
        }
        return out
    }

    static func unescape<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> [UInt8] {
        var out: [UInt8] = []
        var escaped = false
        for byte in bytes {
            if escaped {
                switch byte {
                case UInt8(ascii: "0"): out.append(0)
                case UInt8(ascii: "1"): out.append(1)
                case UInt8(ascii: "t"): out.append(UInt8(ascii: "\t"))
                case UInt8(ascii: "r"): out.append(UInt8(ascii: "\r"))
                case UInt8(ascii: "n"): out.append(UInt8(ascii: "\n"))
                default: out.append(byte)
                }
                escaped = false
            } else if byte == 1 {
                escaped = true
            } else {
                out.append(byte)
            }
        }
        return out
    }
}
