/// What SELECT or EXAMINE reported about a mailbox (RFC 9051 §6.3.2, RFC 7162 §3.2.5).
struct SelectedMailbox: Sendable {
    /// UIDVALIDITY.
    var uidValidity: UInt32?
    /// UIDNEXT, when sent.
    var uidNext: UInt32?
    /// HIGHESTMODSEQ, or nil with NOMODSEQ or without CONDSTORE.
    var highestModSeq: UInt64?
    /// The number of messages.
    var exists: UInt32 = 0
    /// UIDs expunged since the QRESYNC modseq (`VANISHED (EARLIER)`).
    var vanished = UIDSet()
    /// Flags of messages changed since the QRESYNC modseq, by UID.
    var changed: [(uid: UInt32, flags: [String], modSeq: UInt64?)] = []

    /// Reads a SELECT/EXAMINE completion.
    init(_ completion: CommandCompletion) {
        for response in completion.untagged {
            switch response {
            case .status(.ok, let text):
                switch text.code {
                case .uidValidity(let value): uidValidity = value
                case .uidNext(let value): uidNext = value
                case .highestModSeq(let value): highestModSeq = value
                case .noModSeq: highestModSeq = nil
                default: break
                }
            case .exists(let count):
                exists = count
            case .vanished(true, let uids):
                for range in uids.ranges { vanished.insert(range) }
            case .fetch(_, let attributes):
                if let uid = attributes.uid, let flags = attributes.flags {
                    changed.append((uid, flags, attributes.modSeq))
                }
            default:
                break
            }
        }
    }
}
