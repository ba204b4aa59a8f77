/// What a restore did.
public struct RestoreReport: Sendable {
    /// Items put back.
    public var restored = 0
    /// Of the items restored, those whose earlier copies at the target were removed
    /// (with `overwrite`).
    public var replaced = 0
    /// Items already at the target, left alone (or selected twice in one run).
    public var skippedDuplicates = 0
    /// Items that failed, with folder, key and reason, and folders the target
    /// refused, with the reason.
    public var failures: [String] = []
    /// Folders the target refused (could not be created or listed); their items were
    /// not tried and are counted in `failures` by folder.
    public var foldersFailed = 0
    /// Items not tried because their folder was refused.
    public var itemsNotTried = 0
    /// Raw bytes restored.
    public var bytes: Int64 = 0
    /// Folders touched.
    public var folders = 0
    /// Items a target cannot take (mail into a calendar server, contacts into a
    /// CalDAV-only target): not tried.
    public var notApplicable = 0
}
