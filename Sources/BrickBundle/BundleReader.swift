import Crypto
import Foundation

/// Reads one bundle front to back: the header when created, then one record at a time,
/// each checked against its checksum as it is consumed, then the trailer, whose counts
/// and digest are checked before `nextRecord()` reports the end (docs/FORMAT.md §8).
/// A caller applies nothing that depends on a record before the record was consumed
/// without error, and commits nothing before `nextRecord()` returned nil.
public final class BundleReader {
    /// The bundle's header.
    public let header: BundleHeader
    /// The trailer, once read and checked.
    public private(set) var trailer: BundleTrailer?
    /// The digest that stands for this bundle in its user's chain, once the trailer was
    /// read: the bundle's own digest, or for a consolidated bundle the digest of the
    /// bundle it stands in for. A replica records this one; the next bundle names it.
    public var chainDigest: [UInt8]? {
        guard let trailer else { return nil }
        return header.replacesDigest.isEmpty ? trailer.digest : header.replacesDigest
    }
    /// Byte offset of the bundle's start in its input.
    public let startOffset: UInt64
    /// The bundle format version it was written in (docs/FORMAT.md §8.1): 1 or 2.
    public let version: UInt16

    private let input: BufferedBundleInput
    private var digest = SHA256()
    private let checksum: RecordChecksum
    private var current: (head: BundleRecordHead, consumed: Bool)?
    private var nextIndex: UInt64 = 0
    private var payloadBytes: UInt64 = 0
    private var counts: [UInt16: UInt64] = [:]

    /// For an encrypted bundle, what its envelope says in clear; nil for a plain one.
    public var envelope: BundleEnvelopeInfo? { encryptedInput?.info }
    private var encryptedInput: EncryptedBundleInput?

    /// Reads the next bundle's header from `input`, plain or encrypted (docs/FORMAT.md
    /// §9; an encrypted one is opened with the first of `identities` that is one of its
    /// recipients); nil at a clean end of input, so several bundles on one stream are
    /// read one after the other from one input.
    public static func open(from input: any BundleInput, identities: [BundleIdentity]) throws -> BundleReader? {
        let buffered = input as? BufferedBundleInput ?? BufferedBundleInput(wrapping: input, name: "input")
        if try buffered.atEnd() { return nil }
        guard try buffered.peek(EnvelopeFormat.magic.count) == EnvelopeFormat.magic else { return try BundleReader(buffered) }
        let encrypted = try EncryptedBundleInput(buffered, identities: identities)
        if identities.isEmpty { throw BundleError.noMatchingIdentity(recipients: encrypted.info.recipients) }
        let reader = try BundleReader(BufferedBundleInput(wrapping: encrypted, name: buffered.name))
        guard reader.header == encrypted.info.header else {
            throw BundleError.damagedHeader("the envelope's clear header differs from the bundle's")
        }
        reader.encryptedInput = encrypted
        return reader
    }

    /// The chain digest stated at the end of the bundle's file, read without reading the
    /// records (`BundleTail`), the file then left at its end so that no further bundle
    /// is read from it; nil, with nothing read, when the input is not a file holding
    /// this one bundle (a stream must be read through). No record is checked: use it
    /// only to recognise a bundle already applied.
    public func chainDigestFromFileEnd() throws -> [UInt8]? {
        guard let file = (encryptedInput?.source ?? input) as? BundleFileInput, file.holdsOneBundle else { return nil }
        let tail = try BundleTail.read(URL(fileURLWithPath: file.name), header: header, encrypted: encryptedInput != nil)
        try file.skipToEnd()
        current = nil
        return tail.chainDigest
    }

    /// Reads the next plain bundle's header from `input`; nil at a clean end of input,
    /// so several bundles on one stream are read one after the other from one input.
    public static func next(from input: any BundleInput) throws -> BundleReader? {
        try open(from: input, identities: [])
    }

    private init(_ input: BufferedBundleInput) throws {
        self.input = input
        startOffset = input.offset
        var start = try input.readExactly(BundleFormat.magic.count)
        guard start == BundleFormat.magic else { throw BundleError.notABundle }
        let versionBytes = try input.readExactly(2)
        var cursor = ByteCursor(versionBytes)
        let version = cursor.read(UInt16.self) ?? 0
        guard BundleFormat.readableVersions.contains(version) else { throw BundleError.unsupportedVersion(version) }
        self.version = version
        checksum = try RecordChecksum(version: version)
        let lengthBytes = try input.readExactly(4)
        cursor = ByteCursor(lengthBytes)
        let length = Int(cursor.read(UInt32.self) ?? 0)
        guard length <= BundleFormat.maximumHeaderSize else { throw BundleError.damagedHeader("length \(length)") }
        let fieldBytes = try input.readExactly(length)
        start += versionBytes + lengthBytes + fieldBytes
        let headerChecksum = try input.readExactly(BundleFormat.checksumSize)
        guard headerChecksum == Array(SHA256.hash(data: start)) else { throw BundleError.damagedHeader("checksum mismatch") }
        digest.update(data: headerChecksum)
        header = try BundleHeader(fields: BundleFields(decoding: fieldBytes))
    }

    /// The next record's head, or nil once the trailer was read and checked. A record
    /// whose payload the caller did not consume is read past (and checked) first.
    public func nextRecord() throws -> BundleRecordHead? {
        guard trailer == nil else { return nil }
        if let current, !current.consumed { try skipPayload() }
        let offset = input.offset
        guard let head = RecordHead(decoding: try input.readExactly(BundleFormat.recordHeadSize)) else {
            throw BundleError.damagedRecord(index: nextIndex, offset: offset, detail: "record head damaged")
        }
        guard head.index == nextIndex else {
            throw BundleError.damagedRecord(
                index: nextIndex, offset: offset, detail: "record \(head.index) found where \(nextIndex) belongs")
        }
        let record = BundleRecordHead(
            type: BundleRecordType(rawValue: head.type), skippable: head.flags & BundleFormat.skippableFlag != 0,
            length: head.length, index: head.index, offset: offset)
        current = (record, false)
        if record.type == .trailer {
            try readTrailer(record, head: head)
            return nil
        }
        nextIndex += 1
        payloadBytes += head.length
        counts[head.type, default: 0] += 1
        return record
    }

    /// The current record's payload as fields (a structured record).
    public func readFields() throws -> BundleFields {
        var payload: [UInt8] = []
        let record = try currentRecord()
        guard record.length <= UInt64(BundleFormat.maximumFieldsSize) else {
            throw BundleError.damagedRecord(
                index: record.index, offset: record.offset, detail: "\(record.length) bytes is too long for a structured record")
        }
        try readPayload(chunkSize: Int(record.length)) { payload += $0 }
        do {
            return try BundleFields(decoding: payload)
        } catch {
            throw BundleError.damagedRecord(index: record.index, offset: record.offset, detail: "\(error)")
        }
    }

    /// Hands the current record's payload to `body` in chunks of at most `chunkSize`
    /// bytes, then checks the checksum: a mismatch throws after the last chunk, so the
    /// caller must not have committed what it built from the chunks.
    public func readPayload(chunkSize: Int, _ body: ([UInt8]) throws -> Void) throws {
        let record = try currentRecord()
        current?.consumed = true
        try checksum.start(head: RecordHead(
            type: record.type.rawValue, flags: record.skippable ? BundleFormat.skippableFlag : 0,
            index: record.index, length: record.length).encoded)
        var remaining = record.length
        let size = max(1, min(chunkSize, 4 << 20))
        while remaining > 0 {
            let chunk = try input.readExactly(Int(min(UInt64(size), remaining)))
            try checksum.update(chunk)
            remaining -= UInt64(chunk.count)
            try body(chunk)
        }
        let sum = try input.readExactly(checksum.size)
        guard sum == checksum.finish() else {
            throw BundleError.damagedRecord(index: record.index, offset: record.offset, detail: "checksum mismatch")
        }
        digest.update(data: sum)
    }

    /// Reads past the current record's payload, checking it.
    public func skipPayload() throws {
        try readPayload(chunkSize: 1 << 20) { _ in }
    }

    private func currentRecord() throws -> BundleRecordHead {
        guard let current, !current.consumed else { throw BundleError.misuse("no record to read") }
        return current.head
    }

    private func readTrailer(_ record: BundleRecordHead, head: RecordHead) throws {
        guard record.length <= UInt64(BundleFormat.maximumFieldsSize) else {
            throw BundleError.damagedTrailer("implausible length \(record.length)")
        }
        var payload: [UInt8] = []
        try readPayload(chunkSize: Int(record.length)) { payload += $0 }
        var trailer: BundleTrailer
        do {
            trailer = try BundleTrailer(fields: BundleFields(decoding: payload))
        } catch {
            throw BundleError.damagedTrailer("\(error)")
        }
        guard trailer.recordCount == nextIndex, trailer.payloadBytes == payloadBytes, trailer.counts == counts else {
            throw BundleError.damagedTrailer(
                "it counts \(trailer.recordCount) records of \(trailer.payloadBytes) bytes; the bundle holds \(nextIndex) of \(payloadBytes)")
        }
        let stored = try input.readExactly(BundleFormat.checksumSize)
        let computed = Array(digest.finalize())
        guard stored == computed else { throw BundleError.damagedTrailer("digest mismatch") }
        guard try input.readExactly(BundleFormat.endMagic.count) == BundleFormat.endMagic else {
            throw BundleError.damagedTrailer("end mark missing")
        }
        trailer.digest = computed
        self.trailer = trailer
        if let encryptedInput {
            guard try input.atEnd(), encryptedInput.clearChainDigest == chainDigest else {
                throw BundleError.damagedTrailer("the envelope's clear chain digest differs from the bundle's")
            }
        }
    }
}
