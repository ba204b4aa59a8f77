/// What Brick remembers of an IMAP folder between runs, stored as the folder's sync
/// token: `v1 <uidvalidity> <modseq> <uid>`.
///
/// - `modseq`: every change up to this HIGHESTMODSEQ is in the store (0: unknown, so
///   the next run diffs UID lists instead of asking for changes since a modseq).
/// - `uid`: every message with a UID up to this one that existed when it was fetched
///   is in the store. Batches in the middle of a folder advance only this, so a
///   resumed run does not fetch those bodies again; `modseq` advances with the last
///   batch of a folder alone.
struct SyncToken: Equatable, Sendable, CustomStringConvertible {
    /// The folder's UIDVALIDITY.
    var uidValidity: UInt32
    /// The HIGHESTMODSEQ fully applied, or 0.
    var modSeq: UInt64
    /// The highest UID committed.
    var committedUID: UInt32

    /// Creates a token.
    init(uidValidity: UInt32, modSeq: UInt64, committedUID: UInt32) {
        self.uidValidity = uidValidity
        self.modSeq = modSeq
        self.committedUID = committedUID
    }

    /// Parses the text form; nil for anything else (then the folder syncs from scratch).
    init?(_ text: String?) {
        guard let parts = text?.split(separator: " "), parts.count == 4, parts[0] == "v1",
              let validity = UInt32(parts[1]), let modSeq = UInt64(parts[2]), let uid = UInt32(parts[3])
        else { return nil }
        self.init(uidValidity: validity, modSeq: modSeq, committedUID: uid)
    }

    /// The text form.
    var description: String { "v1 \(uidValidity) \(modSeq) \(committedUID)" }
}
