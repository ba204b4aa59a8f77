import BrickRestore

extension ProgressDisplay {
    /// The progress line of a restore, items done of the total (and bytes when
    /// `showingBytes`), or nil when `output` turns progress off.
    static func restore(_ progress: RestoreProgress, output: OutputOptions, showingBytes: Bool) -> ProgressDisplay? {
        guard output.progress.isEnabled else { return nil }
        return ProgressDisplay {
            let state = progress.snapshot
            let items = "items \(Formatting.count(state.done))/\(Formatting.count(state.total))"
            return showingBytes ? items + " · \(Formatting.bytes(state.bytes))" : items
        }
    }
}
