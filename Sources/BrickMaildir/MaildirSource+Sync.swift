import BrickCore
import Foundation

extension MaildirSource {
    /// Streams the changes of `folder` since `state` into `sink` by comparing a scan of
    /// `new/` and `cur/` with the items the store holds.
    ///
    /// - When `state.token` proves `cur/` and `new/` unchanged (see the token format on
    ///   `ScanToken`), nothing is committed and `state.loadPresentItems` is not called.
    /// - Otherwise: files whose key the store lacks are read and added; keys whose flags
    ///   differ become flag changes (the body is not read again); keys the store holds
    ///   but the folder no longer has are reported vanished. Flag changes and vanished
    ///   keys come first. Batches hold at most `batchByteLimit` bytes of messages (a
    ///   larger message alone) and `batchCountLimit` entries; only the last carries the
    ///   new token.
    /// - An added item's uid comes from `dovecot-uidlist` when the folder has one and it
    ///   lists the key; its internal date is the file's mtime.
    /// - A file renamed between the listing and its reading is looked for again in
    ///   `cur/` and `new/` once; a file gone, or changed while being read, is skipped
    ///   and the run ends with no new token, so the next run scans again.
    /// - Nothing is followed or opened blocking: the folder, `cur/` and `new/` are
    ///   opened from the root's descriptor with `O_NOFOLLOW`, message files likewise
    ///   with `O_NONBLOCK`. A symlink, directory, FIFO, socket or device among the
    ///   messages, and a message above `maximumMessageSize`, is skipped and reported
    ///   (`takeSkippedEntries`), and no new token is kept, so it is reported every run.
    public func synchronize(_ folder: SourceFolder, from state: FolderSyncState, into sink: any ChangeSink) async throws {
        guard folder.selectable else { return }
        let handles = try FolderHandles(folder: directory(of: folder))
        let scanStart = ScanToken.now()
        let curStamp = try handles.cur.map(DirectoryStamp.read)
        let newStamp = try handles.new.map(DirectoryStamp.read)
        let fileCount = try [handles.new, handles.cur].compactMap { $0 }.reduce(0) {
            $0 + (try DirectoryReader.countFiles(inDescriptor: $1.descriptor, path: $1.path))
        }
        let token = ScanToken(
            cur: curStamp, new: newStamp, count: fileCount, scanStart: scanStart, settleNanoseconds: settleNanoseconds)
        if let previous = state.token.flatMap(ScanToken.init(parsing:)), previous.provesUnchanged(token) {
            return
        }
        var listing = try FolderListing.read(handles)
        var complete = listing.skipped.isEmpty
        for (name, reason) in listing.skipped { skips.record(SkippedEntry(folder: folder.path, name: name, reason: reason)) }

        let keywords = try loadKeywords(handles.folder)
        let present = try state.loadPresentItems()
        if curStamp == nil && newStamp == nil && !present.isEmpty {
            // Neither cur/ nor new/: a damaged or half-moved folder, not an empty one.
            throw MaildirError.folderNotFound(folder: folder.path, upstreamName: folder.upstreamName)
        }

        var vanished = present.keys.filter { listing.entries.index(forKey: $0) == nil }
        if !vanished.isEmpty, try stampsMoved(handles, cur: curStamp, new: newStamp) {
            // A rename during the listing may have hidden a file from readdir; look again.
            let again = try FolderListing.read(handles)
            for key in vanished { if let entry = again.entries[key] { listing.entries[key] = entry } }
            vanished = vanished.filter { listing.entries.index(forKey: $0) == nil }
        }

        var builder = BatchBuilder(sink: sink, byteLimit: batchByteLimit, countLimit: batchCountLimit)
        for key in vanished.sorted() { try await builder.addVanished(key) }
        var newKeys: [ItemKey] = []
        var decoded: [String: ItemFlags] = [:]
        for (key, entry) in listing.entries {
            guard let stored = present[key] else { newKeys.append(key); continue }
            let letters = entry.parsed.flagLetters
            let flags = decoded[letters] ?? entry.parsed.flags(keywords: keywords)
            decoded[letters] = flags
            if flags != stored { try await builder.add(FlagChange(key: key, flags: flags)) }
        }

        let uids = newKeys.isEmpty ? [:] : try loadUIDList(handles.folder)?.uids ?? [:]
        var reader = LiveFileReader(handles: handles, maximumSize: maximumMessageSize)
        for key in newKeys.sorted() {
            guard let entry = listing.entries[key] else { complete = false; continue }
            switch try reader.read(entry) {
            case .read(let found, let bytes, let modified):
                let item = SourceItem(
                    key: key, flags: found.parsed.flags(keywords: keywords), internalDate: modified,
                    uid: uids[key], raw: bytes)
                try await builder.add(item)
            case .stream(let found, let stream, let modified):
                let item = StreamedItem(
                    key: key, flags: found.parsed.flags(keywords: keywords), internalDate: modified,
                    uid: uids[key], body: stream)
                try await builder.add(item)
            case .notRead:
                complete = false
            case .skipped(let reason):
                // Reported every run until it is fixed: no token is kept while one is skipped.
                skips.record(SkippedEntry(folder: folder.path, name: entry.relativePath, reason: reason))
                complete = false
            }
        }
        try await builder.finish(token: complete ? token.text : nil, previousToken: state.token)
    }

    private func stampsMoved(_ handles: FolderHandles, cur: DirectoryStamp?, new: DirectoryStamp?) throws -> Bool {
        try handles.cur.map(DirectoryStamp.read) != cur || handles.new.map(DirectoryStamp.read) != new
    }

    func loadKeywords(_ directory: NoFollowDirectory) throws -> DovecotKeywords {
        guard let bytes = try directory.readSmallFile(DovecotKeywords.fileName) else { return DovecotKeywords() }
        return DovecotKeywords(parsing: String(decoding: bytes, as: UTF8.self))
    }

    func loadUIDList(_ directory: NoFollowDirectory) throws -> DovecotUIDList? {
        guard let bytes = try directory.readSmallFile(DovecotUIDList.fileName) else { return nil }
        return DovecotUIDList(parsing: String(decoding: bytes, as: UTF8.self))
    }
}
