extension IMAPSource {
    /// The token an IMAP folder restarts from after `brick-backup repair` removed some
    /// of its items: the same UIDVALIDITY and committed UID, no modseq. The next sync
    /// then diffs the server's UID list against the store's items, fetching what is
    /// missing and marking deleted what the server no longer has. Nil for anything that
    /// is not an IMAP token (the folder then syncs from scratch).
    public static func tokenAfterRepair(_ token: String) -> String? {
        guard let parsed = SyncToken(token) else { return nil }
        return SyncToken(uidValidity: parsed.uidValidity, modSeq: 0, committedUID: parsed.committedUID).description
    }
}
