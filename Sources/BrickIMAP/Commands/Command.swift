import Foundation

/// A client command (RFC 9051 §6 and the extensions Brick uses).
enum Command: Sendable {
    case capability
    case noop
    case logout
    case startTLS
    case id([IDField])
    case enable([String])
    case namespace
    case login(user: String, password: String)
    /// `AUTHENTICATE PLAIN`, with the response sent inline (SASL-IR) or after `+`.
    case authenticatePlain(response: String, initialResponse: Bool)
    /// `LIST "" pattern [RETURN (options)]`.
    case list(pattern: String, returnOptions: String?)
    case status(mailbox: String, items: [String])
    /// `SELECT`/`EXAMINE` with `(CONDSTORE)` or `(QRESYNC (uidvalidity modseq))`.
    case select(mailbox: String, readOnly: Bool, parameters: SelectParameters)
    case unselect
    case close
    case create(mailbox: String, specialUse: String?)
    case delete(mailbox: String)
    case rename(from: String, to: String)
    case subscribe(mailbox: String)
    /// `LIST (SUBSCRIBED) "" pattern` (RFC 5258): subscriptions, missing folders included.
    case listSubscribed(pattern: String)
    /// `LSUB "" pattern`, for servers without LIST-EXTENDED.
    case lsub(pattern: String)
    /// `GETACL mailbox` (RFC 4314).
    case getACL(mailbox: String)
    /// `MYRIGHTS mailbox` (RFC 4314).
    case myRights(mailbox: String)
    /// `SETACL mailbox identifier rights` (RFC 4314).
    case setACL(mailbox: String, identifier: String, rights: String)
    /// `GETMETADATA (DEPTH infinity) mailbox (entries)` (RFC 5464); "" is the server.
    case getMetadata(mailbox: String, entries: [String])
    /// `SETMETADATA mailbox (entry value)` (RFC 5464); a nil value removes the entry.
    case setMetadata(mailbox: String, entry: String, value: [UInt8]?)
    /// `UID FETCH set (items) [(modifiers)]`.
    case uidFetch(UIDSet, items: String, modifiers: String?)
    /// `FETCH set (items)` by sequence number.
    case fetch(UIDSet, items: String)
    /// `UID STORE set action (flags)`, e.g. action `+FLAGS.SILENT`.
    case uidStore(UIDSet, action: String, flags: [String])
    case uidExpunge(UIDSet)
    case expunge
    case append(mailbox: String, message: AppendMessage)
    /// One APPEND of several messages (MULTIAPPEND, RFC 3502): all land or none.
    case multiAppend(mailbox: String, messages: [AppendMessage])
}

/// Parameters of SELECT/EXAMINE.
enum SelectParameters: Sendable, Equatable {
    case none
    case condStore
    case qresync(uidValidity: UInt32, modSeq: UInt64)
}

/// One message of an APPEND.
struct AppendMessage: Sendable {
    /// Flags to set; `\Recent` must not be among them.
    var flags: [String]
    /// The internal date, or nil for "now".
    var internalDate: Date?
    /// The message bytes.
    var data: [UInt8]
}

extension Command {
    /// The command's name for logs and errors; never contains arguments.
    var name: String {
        switch self {
        case .capability: return "CAPABILITY"
        case .noop: return "NOOP"
        case .logout: return "LOGOUT"
        case .startTLS: return "STARTTLS"
        case .id: return "ID"
        case .enable: return "ENABLE"
        case .namespace: return "NAMESPACE"
        case .login: return "LOGIN"
        case .authenticatePlain: return "AUTHENTICATE PLAIN"
        case .list: return "LIST"
        case .status: return "STATUS"
        case .select(_, let readOnly, _): return readOnly ? "EXAMINE" : "SELECT"
        case .unselect: return "UNSELECT"
        case .close: return "CLOSE"
        case .create: return "CREATE"
        case .delete: return "DELETE"
        case .rename: return "RENAME"
        case .subscribe: return "SUBSCRIBE"
        case .listSubscribed: return "LIST"
        case .lsub: return "LSUB"
        case .getACL: return "GETACL"
        case .myRights: return "MYRIGHTS"
        case .setACL: return "SETACL"
        case .getMetadata: return "GETMETADATA"
        case .setMetadata: return "SETMETADATA"
        case .uidFetch: return "UID FETCH"
        case .fetch: return "FETCH"
        case .uidStore: return "UID STORE"
        case .uidExpunge: return "UID EXPUNGE"
        case .expunge: return "EXPUNGE"
        case .append, .multiAppend: return "APPEND"
        }
    }

    /// The mailbox the command names, for error context.
    var mailbox: String? {
        switch self {
        case .status(let mailbox, _), .select(let mailbox, _, _), .create(let mailbox, _),
             .delete(let mailbox), .subscribe(let mailbox), .append(let mailbox, _), .multiAppend(let mailbox, _),
             .getACL(let mailbox), .myRights(let mailbox), .setACL(let mailbox, _, _), .getMetadata(let mailbox, _),
             .setMetadata(let mailbox, _, _):
            return mailbox
        case .rename(let from, _):
            return from
        default:
            return nil
        }
    }

    /// True for commands after which nothing may be pipelined (RFC 9051 §5.5).
    var endsPipeline: Bool {
        switch self {
        case .startTLS, .login, .authenticatePlain, .logout: return true
        default: return false
        }
    }
}
