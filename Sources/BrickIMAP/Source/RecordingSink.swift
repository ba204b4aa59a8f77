import BrickCore

/// Passes batches on and remembers the last token committed, so a sync that lost its
/// connection resumes from exactly there.
actor RecordingSink: ChangeSink {
    private let base: any ChangeSink
    /// The token of the last committed batch that carried one.
    private(set) var lastToken: String?

    /// Wraps a sink.
    init(_ base: any ChangeSink) {
        self.base = base
    }

    /// Commits through the wrapped sink, then records the batch's token.
    func commit(_ batch: ChangeBatch) async throws {
        try await base.commit(batch)
        if let token = batch.token { lastToken = token }
    }
}
