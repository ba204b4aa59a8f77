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
    public func synchronize(_ folder: SourceFolder, from state: FolderSyncState, into sink: any ChangeSink) async throws {
        guard folder.selectable else { return }
        let directory = try directory(of: folder)
        let scanStart = ScanToken.now()
        let curStamp = try DirectoryStamp.read(directory + "/cur")
        let newStamp = try DirectoryStamp.read(directory + "/new")
        let fileCount = try (DirectoryReader.countFiles(in: directory + "/new") ?? 0)
            + (DirectoryReader.countFiles(in: directory + "/cur") ?? 0)
        let token = ScanToken(
            cur: curStamp, new: newStamp, count: fileCount, scanStart: scanStart, settleNanoseconds: settleNanoseconds)
        if let previous = state.token.flatMap(ScanToken.init(parsing:)), previous.provesUnchanged(token) {
            return
        }
        var listing = try FolderListing.read(directory)

        let keywords = try loadKeywords(directory)
        let present = try state.loadPresentItems()
        if curStamp == nil && newStamp == nil && !present.isEmpty {
            // Neither cur/ nor new/: a damaged or half-moved folder, not an empty one.
            throw MaildirError.folderNotFound(folder: folder.path, upstreamName: folder.upstreamName)
        }

        var vanished = present.keys.filter { listing.entries.index(forKey: $0) == nil }
        if !vanished.isEmpty, try stampsMoved(directory, cur: curStamp, new: newStamp) {
            // A rename during the listing may have hidden a file from readdir; look again.
            let again = try FolderListing.read(directory)
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

        let uids = newKeys.isEmpty ? [:] : try loadUIDList(directory)?.uids ?? [:]
        var reader = LiveFileReader(directory: directory)
        var complete = true
        for key in newKeys.sorted() {
            guard let entry = listing.entries[key], let found = try reader.read(entry) else {
                complete = false
                continue
            }
            let item = SourceItem(
                key: key, flags: found.entry.parsed.flags(keywords: keywords), internalDate: found.modified,
                uid: uids[key], raw: found.bytes)
            try await builder.add(item)
        }
        try await builder.finish(token: complete ? token.text : nil, previousToken: state.token)
    }

    private func stampsMoved(_ directory: String, cur: DirectoryStamp?, new: DirectoryStamp?) throws -> Bool {
        try DirectoryStamp.read(directory + "/cur") != cur || DirectoryStamp.read(directory + "/new") != new
    }

    func loadKeywords(_ directory: String) throws -> DovecotKeywords {
        guard let bytes = try POSIX.readSmallFile(directory + "/" + DovecotKeywords.fileName) else {
            return DovecotKeywords()
        }
        return DovecotKeywords(parsing: String(decoding: bytes, as: UTF8.self))
    }

    func loadUIDList(_ directory: String) throws -> DovecotUIDList? {
        guard let bytes = try POSIX.readSmallFile(directory + "/" + DovecotUIDList.fileName) else { return nil }
        return DovecotUIDList(parsing: String(decoding: bytes, as: UTF8.self))
    }
}
