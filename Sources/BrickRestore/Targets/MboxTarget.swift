import BrickCore
import BrickMessage
import Foundation

/// Restores into mbox files (mboxrd), for handing mail to a person or a tool.
///
/// Where the mail goes (`mbox:PATH`):
/// - PATH ending in `.mbox`, or naming an existing regular file, is one mbox file. It
///   takes exactly one folder; appending a second folder fails with
///   `FileTargetError.singleFileHoldsOneFolder` (preparing several folders is fine).
/// - Any other PATH is a directory holding one `<folder>.mbox` per folder, subfolders
///   in nested directories: `INBOX` → `PATH/INBOX.mbox`, `Archive/2025` →
///   `PATH/Archive/2025.mbox`. Names are made safe by `SafePathComponent`; a directory
///   component ending in `.mbox` has that dot escaped so it cannot meet a folder's file.
///
/// What is written: see `MboxFormat`. Line endings become LF, as in every Unix mbox;
/// apart from that and the reversible `>From ` quoting the bytes are kept. No
/// `Status`/`X-Keywords` headers are added, so flags and keywords are not carried:
/// adding headers would change the messages, and mbox readers disagree on them.
/// The separator line carries the From address (or `MAILER-DAEMON`) and the internal
/// date in UTC.
///
/// Duplicates: `existingMessages` reads the file back: the Message-ID, else the
/// SHA-256 of the message, with the separator line's date. For messages without a
/// Message-ID the digest is taken of the text with LF and with CRLF line endings, with
/// and without the final line break, since the original's endings are not stored.
///
/// Links: the file, and every directory below a directory location, is opened and
/// created without following a symbolic link (`FileOperations`): a link planted where
/// a folder's file or directory should be fails that folder with
/// `FileTargetError.symbolicLink`. `checkBeforeWriting` refuses, before anything is
/// written, a single file asked to hold several folders and an existing file that is
/// not an mbox.
///
/// Replacing: `remove` rewrites the file without the listed entries, streaming from a
/// mapping of the file to a temporary file beside it that is fsynced and renamed into
/// place. Replaced messages thus move to the end, where their new copies were appended.
public actor MboxTarget: RestoreTarget {
    /// The path given by the user, without trailing slashes.
    public nonisolated let location: String
    /// Whether `location` is one mbox file rather than a directory of them.
    public nonisolated let isSingleFile: Bool
    private var singleFileFolder: FolderPath?
    private var touched: Set<String> = []

    /// Creates a target at `location`; nothing is created before the first folder.
    /// A trailing `/` always means a directory.
    public init(location: String) {
        let trimmed = FileOperations.trimmingTrailingSlashes(location)
        let existing = FileOperations.kind(of: trimmed)
        self.location = trimmed
        self.isSingleFile = !location.hasSuffix("/")
            && (trimmed.lowercased().hasSuffix(".mbox") || (existing.exists && !existing.isDirectory))
    }

    /// The mbox file that holds `path`.
    public nonisolated func filePath(for path: FolderPath) -> String {
        if isSingleFile { return location }
        var components = SafePathComponent.components(of: path)
        let name = components.removeLast() + ".mbox"
        let directories = components.map { SafePathComponent.escapingSuffix($0, ".mbox") }
        return ([location] + directories + [name]).joined(separator: "/")
    }

    /// Creates the folder's mbox file (empty) and its directories when missing.
    public func prepareFolder(_ path: FolderPath, specialUse: SpecialUse?) async throws {
        try createFile(filePath(for: path))
    }

    /// The messages in the folder's mbox file (the whole file in single-file mode) by
    /// fingerprint, each located by the file's inode and the entry's byte range.
    public func existingMessages(in path: FolderPath) async throws -> [MessageFingerprint: [ExistingCopy]] {
        try FileOperations.withMappedFile(filePath(for: path)) { file, inode in
            var messages: [MessageFingerprint: [ExistingCopy]] = [:]
            for message in MboxFormat.messages(in: file) {
                let copy = MboxCopyLocator(inode: inode, entry: message.entry).copy
                let separator = UnsafeRawBufferPointer(rebasing: file[message.separator])
                let content = UnsafeRawBufferPointer(rebasing: file[message.content])
                let seconds = MboxFormat.date(ofSeparator: separator).map(MessageFingerprint.seconds) ?? 0
                if let messageID = MessageSummary(parsing: content).messageID {
                    messages[MessageFingerprint(identity: messageID, internalDate: seconds), default: []].append(copy)
                    continue
                }
                for candidate in Set(MboxTarget.originalCandidates(MboxFormat.unquoted(content)).map(MessageFingerprint.digestIdentity)) {
                    messages[MessageFingerprint(identity: candidate, internalDate: seconds), default: []].append(copy)
                }
            }
            return messages
        }
    }

    /// Appends the items to the folder's mbox file in one write (a large message read
    /// piece by piece in a write per piece). An I/O error, or damage found at the end
    /// of a large message, fails the whole batch, and the file is cut back to where it was.
    public func append(_ items: [RestoreItem], to path: FolderPath) async throws -> [(any Error)?] {
        guard !items.isEmpty else { return [] }
        if isSingleFile {
            if let holding = singleFileFolder, holding != path {
                throw FileTargetError.singleFileHoldsOneFolder(file: location, holding: holding, requested: path)
            }
            singleFileFolder = path
        }
        let file = filePath(for: path)
        let descriptor = try openFile(file)
        defer { close(descriptor) }
        let sizeBefore = try FileOperations.size(descriptor, path: file)
        do {
            var batch: [UInt8] = []
            batch.reserveCapacity(items.reduce(0) { $0 + ($1.stream == nil ? $1.raw.count + 80 : 0) })
            for item in items {
                guard let stream = item.stream else {
                    let sender = MessageSummary(parsing: item.raw).fromAddress
                    batch.append(contentsOf: MboxFormat.entry(raw: item.raw, sender: sender, internalDate: item.internalDate))
                    continue
                }
                try FileOperations.writeAll(batch, to: descriptor, path: file)
                batch.removeAll()
                try writeEntry(of: stream, internalDate: item.internalDate, to: descriptor, path: file)
            }
            try FileOperations.writeAll(batch, to: descriptor, path: file)
        } catch {
            _ = ftruncate(descriptor, off_t(sizeBefore))
            throw error
        }
        touched.insert(file)
        return Array(repeating: nil, count: items.count)
    }

    /// Writes the entry of a large message read piece by piece from `stream`, quoted as
    /// it comes (`MboxQuoter`); the caller cuts the file back if this throws.
    private func writeEntry(of stream: any MessageByteStream, internalDate: Date, to descriptor: Int32, path: String) throws {
        let sender = MessageSummary(parsing: try stream.prefix(MessageSummary.headerPrefix)).fromAddress
        try FileOperations.writeAll(MboxFormat.separatorLine(sender: sender, date: internalDate), to: descriptor, path: path)
        var quoter = MboxQuoter()
        var output: [UInt8] = []
        try stream.forEachChunk { piece in
            output.removeAll(keepingCapacity: true)
            quoter.quote(piece, into: &output)
            try FileOperations.writeAll(output, to: descriptor, path: path)
        }
        output.removeAll()
        quoter.finish(into: &output)
        output.append(0x0A)
        try FileOperations.writeAll(output, to: descriptor, path: path)
    }

    /// Makes everything written durable.
    public func finish() async throws {
        try FileOperations.flush(touched)
        touched.removeAll()
    }

    private func createFile(_ file: String) throws {
        close(try openFile(file))
    }

    /// Opens the folder's file for appending, creating it and its directories (below
    /// a directory location without following a link) when missing.
    private func openFile(_ file: String) throws -> Int32 {
        let descriptor = try FileOperations.openForAppend(file, under: isSingleFile ? nil : location)
        let directory = PathText.parent(of: file)
        if !directory.isEmpty { touched.insert(directory) }
        touched.insert(file)
        return descriptor
    }

    /// The byte strings a stored message without Message-ID may have been before it
    /// was written: with LF or CRLF endings, with or without the final line break.
    static func originalCandidates(_ stored: [UInt8]) -> [[UInt8]] {
        var variants = [stored]
        if stored.last == 0x0A { variants.append(Array(stored.dropLast())) }
        var withCRLF: [[UInt8]] = []
        for variant in variants {
            var converted: [UInt8] = []
            converted.reserveCapacity(variant.count + variant.count / 32)
            for byte in variant {
                if byte == 0x0A { converted.append(0x0D) }
                converted.append(byte)
            }
            if converted != variant { withCRLF.append(converted) }
        }
        return variants + withCRLF
    }
}
