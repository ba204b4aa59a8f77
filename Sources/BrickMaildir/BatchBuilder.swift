import BrickCore

/// Collects one folder's changes into batches bounded by message bytes and entry
/// count, committing each full batch to the sink as it goes.
///
/// A message larger than the byte limit travels alone. Intermediate batches carry no
/// token (the old one stays true); only `finish` sets the new one.
struct BatchBuilder {
    let sink: any ChangeSink
    let byteLimit: Int
    let countLimit: Int
    private var batch = ChangeBatch()
    private var count = 0
    private var bytes = 0
    /// Batches committed so far.
    private(set) var committed = 0

    init(sink: any ChangeSink, byteLimit: Int, countLimit: Int) {
        self.sink = sink
        self.byteLimit = byteLimit
        self.countLimit = countLimit
    }

    /// Adds a flag change, committing first when the batch is full.
    mutating func add(_ change: FlagChange) async throws {
        try await makeRoom(bytes: 0)
        batch.flagChanges.append(change)
        count += 1
    }

    /// Adds a vanished key, committing first when the batch is full.
    mutating func addVanished(_ key: ItemKey) async throws {
        try await makeRoom(bytes: 0)
        batch.vanished.append(key)
        count += 1
    }

    /// Adds a new item, committing first when it would not fit.
    mutating func add(_ item: SourceItem) async throws {
        try await makeRoom(bytes: item.raw.count)
        batch.added.append(item)
        count += 1
        bytes += item.raw.count
    }

    /// Adds a large item, read by the store while it writes: it counts at its full
    /// size, so it travels alone, like a large message held in memory.
    mutating func add(_ item: StreamedItem) async throws {
        let size = Int(clamping: item.body.size)
        try await makeRoom(bytes: size)
        batch.streamed.append(item)
        count += 1
        bytes += size
    }

    /// Commits what is left with `token`; commits nothing when there is nothing to say
    /// (no changes and a token equal to `previousToken`, or a nil token).
    mutating func finish(token: String?, previousToken: String?) async throws {
        if batch.isEmpty && (token == nil || token == previousToken) { return }
        batch.token = token
        try await commit()
    }

    private mutating func makeRoom(bytes incoming: Int) async throws {
        let full = count >= countLimit || (bytes > 0 && bytes + incoming > byteLimit)
        if full { try await commit() }
    }

    private mutating func commit() async throws {
        try await sink.commit(batch)
        committed += 1
        batch = ChangeBatch()
        count = 0
        bytes = 0
    }
}
