/// What Brick remembers of an IMAP folder between runs, stored as the folder's sync
/// token: `v1 <uidvalidity> <modseq> <uid>`, or `v1 <uidvalidity> <modseq> <uid>
/// <stored>` after a gap.
///
/// - `modseq`: every change up to this HIGHESTMODSEQ is in the store (0: unknown, so
///   the next run diffs UID lists instead of asking for changes since a modseq).
/// - `uid`: every message with a UID up to this one that existed when it was fetched
///   is in the store. Batches in the middle of a folder advance only this, so a
///   resumed run does not fetch those bodies again; `modseq` advances with the last
///   batch of a folder alone.
/// - `stored`: present only when a message could not be stored (a FETCH answered
///   without its body): `uid` then stays below it, so the next run asks for it again,
///   and `stored` is the highest UID fetched beyond it. Messages between the two that
///   the store holds are not fetched again; their flag changes and expunges still
///   apply. The modseq does not advance past a gap either.
struct SyncToken: Equatable, Sendable, CustomStringConvertible {
    /// The folder's UIDVALIDITY.
    var uidValidity: UInt32
    /// The HIGHESTMODSEQ fully applied, or 0.
    var modSeq: UInt64
    /// The highest UID below which nothing is missing.
    var committedUID: UInt32
    /// The highest UID stored beyond a gap, when there is one.
    var storedUID: UInt32?

    /// Creates a token.
    init(uidValidity: UInt32, modSeq: UInt64, committedUID: UInt32, storedUID: UInt32? = nil) {
        self.uidValidity = uidValidity
        self.modSeq = modSeq
        self.committedUID = committedUID
        self.storedUID = storedUID.flatMap { $0 > committedUID ? $0 : nil }
    }

    /// Parses the text form; nil for anything else (then the folder syncs from scratch).
    init?(_ text: String?) {
        guard let parts = text?.split(separator: " "), parts.count == 4 || parts.count == 5, parts[0] == "v1",
              let validity = UInt32(parts[1]), let modSeq = UInt64(parts[2]), let uid = UInt32(parts[3])
        else { return nil }
        var stored: UInt32?
        if parts.count == 5 {
            guard let value = UInt32(parts[4]) else { return nil }
            stored = value
        }
        self.init(uidValidity: validity, modSeq: modSeq, committedUID: uid, storedUID: stored)
    }

    /// The highest UID the store may hold: changes and expunges up to it apply to
    /// stored items; messages above it are new.
    var knownUID: UInt32 { max(committedUID, storedUID ?? 0) }

    /// The text form.
    var description: String {
        "v1 \(uidValidity) \(modSeq) \(committedUID)" + (storedUID.map { " \($0)" } ?? "")
    }
}
