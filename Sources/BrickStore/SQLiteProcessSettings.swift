import CSQLiteTuning

/// Settings of the SQLite library for the whole process, made before it opens its first
/// database (docs/DESIGN.md, "Search across users").
public enum SQLiteProcessSettings {
    /// Turns off SQLite's memory statistics. They serve `sqlite3_memory_used` and a soft
    /// heap limit, neither of which Brick uses, and they make every allocation SQLite does
    /// take one lock shared by all its connections: with two threads each opening and
    /// parsing a catalog, much of a search across users went into waiting on it. Has
    /// no effect (and says so by returning false) once SQLite has started.
    @discardableResult
    public static func apply() -> Bool {
        brick_sqlite_config_memory_statistics(0) == SQLITE_OK
    }
}
