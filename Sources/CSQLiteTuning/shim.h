#include <sqlite3.h>

/* sqlite3_config is variadic, which Swift cannot call: these fix its arguments. */
static inline int brick_sqlite_config_memory_statistics(int enabled) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, enabled);
}

static inline int brick_sqlite_config_statement_journal_spill(int bytes) {
    return sqlite3_config(SQLITE_CONFIG_STMTJRNL_SPILL, bytes);
}
