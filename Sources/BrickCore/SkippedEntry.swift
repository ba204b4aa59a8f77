/// Something a source found and did not back up, on purpose: reported in the run's
/// errors and the summary, never dropped in silence.
public struct SkippedEntry: Sendable, Hashable, CustomStringConvertible {
    /// Why an entry was skipped.
    public enum Reason: Sendable, Hashable {
        /// A symbolic link where a message file or folder was expected: never followed.
        case symbolicLink
        /// A FIFO, socket, device or directory where a message file was expected.
        case notRegularFile(kind: String)
        /// A message larger than the run's maximum message size.
        case tooLarge(bytes: Int64, limit: Int64)
        /// A folder nested deeper than a source follows (its subfolders are not listed).
        case nestedTooDeep(limit: Int)
        /// A second source of the user (the calendar and contact server) could not be
        /// read: its folders stay as the last run left them.
        case sourceFailed(String)
    }

    /// The folder the entry is in, or nil for the source's top level.
    public var folder: FolderPath?
    /// The entry's path relative to the source's root (`cur/NAME`, `.Folder`).
    public var name: String
    /// Why it was skipped.
    public var reason: Reason

    /// True when a folder was skipped (a link among the folders, a folder below the
    /// depth limit), false for one message file.
    public var isFolder: Bool {
        if folder == nil { return true }
        if case .nestedTooDeep = reason { return true }
        return false
    }

    /// Creates a report of one skipped entry.
    public init(folder: FolderPath?, name: String, reason: Reason) {
        self.folder = folder
        self.name = name
        self.reason = reason
    }

    /// One line: `skipped Archive: cur/x:2,S (symbolic link, not followed)`.
    public var description: String {
        let why: String
        switch reason {
        case .symbolicLink: why = "symbolic link, not followed"
        case .notRegularFile(let kind): why = "\(kind), not a message file"
        case .tooLarge(let bytes, let limit): why = "\(bytes) bytes, above the maximum message size of \(limit)"
        case .nestedTooDeep(let limit): why = "subfolders below \(limit) levels are not backed up"
        case .sourceFailed(let error): why = "not backed up: \(error)"
        }
        return "skipped \(folder.map { "\($0): " } ?? "")\(name) (\(why))"
    }
}
