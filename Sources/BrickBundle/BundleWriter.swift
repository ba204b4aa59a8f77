import Crypto

/// Writes one bundle: the header, then records in the order given, then the trailer
/// with the counts and the bundle's digest (docs/FORMAT.md §8). Each record is
/// checksummed as it is written, on a second thread; values are streamed, so memory
/// stays bounded whatever the bundle's size.
public final class BundleWriter {
    private let output: any BundleOutput
    private let pipe: RecordPipe
    private var pending: [RecordPiece] = []
    private var pendingBytes = 0
    private var recordCount: UInt64 = 0
    private var payloadBytes: UInt64 = 0
    private var counts: [UInt16: UInt64] = [:]
    private var finished = false
    private static let batchBytes = 256 << 10

    /// Writes the header to `output`; records are hashed and written on a second
    /// thread (`RecordPipe`) while the caller produces the next ones.
    public convenience init(header: BundleHeader, output: any BundleOutput) throws {
        try self.init(header: header, output: output, version: BundleFormat.version)
    }

    /// Writes a bundle of format `version`: Brick writes version 2; version 1 is written
    /// only by tests of chains that mix the two, as older Bricks left them.
    init(header: BundleHeader, output: any BundleOutput, version: UInt16) throws {
        guard BundleFormat.readableVersions.contains(version) else { throw BundleError.unsupportedVersion(version) }
        self.output = output
        var start = BundleFormat.magic
        start.appendLittleEndian(version)
        let fields = header.fields.encoded()
        start.appendLittleEndian(UInt32(fields.count))
        start += fields
        let checksum = Array(SHA256.hash(data: start))
        var digest = SHA256()
        digest.update(data: checksum)
        pipe = RecordPipe(output: output, digest: digest, record: try RecordChecksum(version: version))
        queue(.raw(start + checksum))
    }

    /// Stops the writing thread when the bundle was abandoned before `finish()`.
    deinit { if !finished { pipe.cancel() } }

    /// Appends a structured record.
    public func append(_ type: BundleRecordType, _ fields: BundleFields, skippable: Bool = false) throws {
        guard type != .trailer else { throw BundleError.misuse("the trailer is written by finish()") }
        let payload = fields.encoded()
        try appendStreamed(type, length: UInt64(payload.count), skippable: skippable) { write in try write(payload) }
    }

    /// Appends a record whose payload `produce` hands over in chunks, `length` bytes in
    /// all (a stored value, read piece by piece).
    public func appendStreamed(
        _ type: BundleRecordType, length: UInt64, skippable: Bool = false,
        _ produce: (_ write: ([UInt8]) throws -> Void) throws -> Void
    ) throws {
        try appendChunks(type, length: length, skippable: skippable) { write in
            try withoutActuallyEscaping(write) { write in try produce { try write(.bytes($0)) } }
        }
    }

    /// Appends a record whose payload `produce` hands over in chunks, `length` bytes in
    /// all, some of them borrowed: those are hashed and written on the second thread
    /// straight from where they lie, and their owners let go of once written.
    public func appendChunks(
        _ type: BundleRecordType, length: UInt64, skippable: Bool = false,
        _ produce: (_ write: (PayloadChunk) throws -> Void) throws -> Void
    ) throws {
        guard !finished else { throw BundleError.misuse("record after finish()") }
        try writeRecord(type.rawValue, flags: skippable ? BundleFormat.skippableFlag : 0, length: length, produce)
        recordCount += 1
        payloadBytes += length
        counts[type.rawValue, default: 0] += 1
    }

    /// Writes the trailer, waits for every record to be hashed and written, then writes
    /// the digest and the end mark. The caller then commits the output (a file) or
    /// flushes it (a stream).
    @discardableResult
    public func finish() throws -> BundleTrailer {
        guard !finished else { throw BundleError.misuse("finish() twice") }
        var trailer = BundleTrailer(digest: [], recordCount: recordCount, payloadBytes: payloadBytes, counts: counts)
        let payload = trailer.fields.encoded()
        try writeRecord(BundleRecordType.trailer.rawValue, flags: 0, length: UInt64(payload.count)) { write in
            try write(.bytes(payload))
        }
        finished = true
        try pipe.send(pending)
        pending = []
        trailer.digest = Array(try pipe.close().finalize())
        try (trailer.digest + BundleFormat.endMagic).withUnsafeBytes { try output.write($0) }
        return trailer
    }

    private func writeRecord(
        _ type: UInt16, flags: UInt16, length: UInt64, _ produce: (_ write: (PayloadChunk) throws -> Void) throws -> Void
    ) throws {
        queue(.head(RecordHead(type: type, flags: flags, index: recordCount, length: length).encoded))
        var written: UInt64 = 0
        try produce { chunk in
            written += UInt64(chunk.count)
            guard written <= length else {
                throw BundleError.misuse("record of type \(type) longer than its declared \(length) bytes")
            }
            switch chunk {
            case .bytes(let bytes): self.queue(.payload(bytes))
            case .borrowed(let borrowed): self.queue(.borrowed(borrowed))
            }
            if self.pendingBytes >= BundleWriter.batchBytes { try self.sendPending() }
        }
        guard written == length else {
            throw BundleError.misuse("record of type \(type) has \(written) of its declared \(length) bytes")
        }
        queue(.end)
        if pendingBytes >= BundleWriter.batchBytes { try sendPending() }
    }

    private func queue(_ piece: RecordPiece) {
        pending.append(piece)
        pendingBytes += piece.count
    }

    private func sendPending() throws {
        try pipe.send(pending)
        pending = []
        pending.reserveCapacity(64)
        pendingBytes = 0
    }
}
