import CSQLiteTuning

/// Settings of the SQLite library for the whole process, made before it opens its first
/// database (docs/DESIGN.md, "Search across users" and "The commit pipeline").
public enum SQLiteProcessSettings {
    /// How large a statement journal grows in memory before SQLite moves it to a
    /// temporary file. SQLite's default is 64 KiB: 16 pages, which one insert of an item
    /// row (its table, its indexes and the search index its triggers write) can pass.
    /// Once moved, the journal stays a file until the transaction ends, so every later
    /// statement of a batch wrote its pages there too: 470 MB of temporary-file writes in
    /// a full backup of 10,000 messages. 1 MiB (256 pages) keeps a batch's statements in
    /// memory, and a statement that changes more pages still goes to a file.
    static let statementJournalSpillBytes: Int32 = 1 << 20

    /// Turns off SQLite's memory statistics and raises the statement journal's spill
    /// size (`statementJournalSpillBytes`). The statistics serve `sqlite3_memory_used`
    /// and a soft heap limit, neither of which Brick uses, and they make every allocation
    /// SQLite does take one lock shared by all its connections: with two threads each
    /// opening and parsing a catalog, much of a search across users went into waiting
    /// on it. Has no effect (and says so by returning false) once SQLite has started.
    @discardableResult
    public static func apply() -> Bool {
        let statistics = brick_sqlite_config_memory_statistics(0)
        let spill = brick_sqlite_config_statement_journal_spill(statementJournalSpillBytes)
        return statistics == SQLITE_OK && spill == SQLITE_OK
    }
}
