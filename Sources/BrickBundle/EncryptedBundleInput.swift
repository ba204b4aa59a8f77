import Crypto
import Foundation

/// What an encrypted bundle's envelope says in clear (docs/FORMAT.md §9.2).
public struct BundleEnvelopeInfo: Sendable {
    /// The recipients' key ids, in hex.
    public var recipients: [String]
    /// The inner bundle's header, repeated in clear for chain checks without a key.
    public var header: BundleHeader
}

/// Reads an encrypted bundle's envelope and hands out the plain bundle inside, chunk by
/// chunk, each authenticated before a byte of it is given out. Without an identity it
/// can still walk the envelope (`verifyOuter`): the chunk framing, the trailer and the
/// outer digest, which catch damage but not a deliberate change (only the key can).
public final class EncryptedBundleInput: BundleInput {
    /// The envelope's clear part.
    public let info: BundleEnvelopeInfo
    /// The inner bundle's chain digest as the trailer states it, once read.
    public private(set) var clearChainDigest: [UInt8]?

    private let input: BufferedBundleInput
    private let headerChecksum: [UInt8]
    private let key: SymmetricKey?
    private var outerDigest = SHA256()
    private var plaintext: [UInt8] = []
    private var position = 0
    private var chunkIndex: UInt64 = 0
    private var nextFrame: (length: UInt32, offset: UInt64)?
    private var ended = false

    /// Reads the envelope's header from `input` (positioned at its magic) and unwraps
    /// the file key with the first identity that is a recipient; with no identities,
    /// only `verifyOuter` can be used.
    public init(_ input: BufferedBundleInput, identities: [BundleIdentity]) throws {
        self.input = input
        var start = try input.readExactly(EnvelopeFormat.magic.count)
        guard start == EnvelopeFormat.magic else { throw BundleError.notABundle }
        let fixed = try input.readExactly(4 + 16)
        var cursor = ByteCursor(fixed)
        let version = cursor.read(UInt16.self) ?? 0
        guard version == EnvelopeFormat.version else { throw BundleError.unsupportedEnvelopeVersion(version) }
        let count = Int(cursor.read(UInt16.self) ?? 0)
        guard count >= 1, count <= EnvelopeFormat.maximumRecipients else { throw BundleError.damagedHeader("\(count) recipients") }
        let salt = Array(fixed[4...])
        let stanzas = try input.readExactly(count * EnvelopeFormat.stanzaSize)
        let lengthBytes = try input.readExactly(4)
        cursor = ByteCursor(lengthBytes)
        let length = Int(cursor.read(UInt32.self) ?? 0)
        guard length <= BundleFormat.maximumHeaderSize else { throw BundleError.damagedHeader("metadata of \(length) bytes") }
        let metadata = try input.readExactly(length)
        start += fixed + stanzas + lengthBytes + metadata
        let checksum = try input.readExactly(32)
        guard checksum == Array(SHA256.hash(data: start)) else { throw BundleError.damagedHeader("envelope checksum mismatch") }
        headerChecksum = checksum
        outerDigest.update(data: start + checksum)
        let header = try BundleHeader(fields: BundleFields(decoding: metadata))
        let keyIDs = (0..<count).map { Array(stanzas[$0 * EnvelopeFormat.stanzaSize..<$0 * EnvelopeFormat.stanzaSize + 8]) }
        info = BundleEnvelopeInfo(recipients: keyIDs.map { $0.map { String(format: "%02x", $0) }.joined() }, header: header)
        key = try EncryptedBundleInput.unwrap(stanzas: stanzas, count: count, salt: salt, identities: identities, info: info)
    }

    private static func unwrap(
        stanzas: [UInt8], count: Int, salt: [UInt8], identities: [BundleIdentity], info: BundleEnvelopeInfo
    ) throws -> SymmetricKey? {
        guard !identities.isEmpty else { return nil }
        for index in 0..<count {
            let stanza = Array(stanzas[index * EnvelopeFormat.stanzaSize..<(index + 1) * EnvelopeFormat.stanzaSize])
            for identity in identities where identity.recipient.keyID == Array(stanza[0..<8]) {
                let ephemeral = Array(stanza[8..<40])
                guard let ephemeralKey = try? Curve25519.KeyAgreement.PublicKey(rawRepresentation: ephemeral),
                    let shared = try? identity.privateKey.sharedSecretFromKeyAgreement(with: ephemeralKey)
                else { continue }
                let wrapKey = EnvelopeFormat.wrapKey(shared, ephemeral: ephemeral, recipient: identity.recipient.rawKey)
                guard let box = try? ChaChaPoly.SealedBox(
                    nonce: ChaChaPoly.Nonce(data: [UInt8](repeating: 0, count: 12)),
                    ciphertext: stanza[40..<72], tag: stanza[72..<88]),
                    let fileKey = try? ChaChaPoly.open(box, using: wrapKey)
                else { continue }
                return EnvelopeFormat.payloadKey(fileKey: SymmetricKey(data: fileKey), salt: salt)
            }
        }
        throw BundleError.noMatchingIdentity(recipients: info.recipients)
    }

    /// The input the envelope is read from.
    var source: BufferedBundleInput { input }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard key != nil else { throw BundleError.noMatchingIdentity(recipients: info.recipients) }
        while position == plaintext.count {
            if ended { return 0 }
            try readChunk()
        }
        let count = min(buffer.count, plaintext.count - position)
        plaintext.withUnsafeBytes { buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[position..<position + count])) }
        position += count
        return count
    }

    /// Walks the rest of the envelope without decrypting: frames, trailer, outer digest.
    /// Returns the number of chunks.
    public func verifyOuter() throws -> UInt64 {
        while !ended { _ = try nextSealedChunk() }
        return chunkIndex
    }

    private func readChunk() throws {
        guard let key, let (sealed, offset, last) = try nextSealedChunk() else { return }
        do {
            let box = try ChaChaPoly.SealedBox(
                nonce: EnvelopeFormat.nonce(chunkIndex - 1, last: last),
                ciphertext: sealed.dropLast(EnvelopeFormat.tagSize), tag: sealed.suffix(EnvelopeFormat.tagSize))
            plaintext = Array(try ChaChaPoly.open(box, using: key, authenticating: headerChecksum))
            position = 0
        } catch {
            throw BundleError.damagedChunk(index: chunkIndex - 1, offset: offset)
        }
    }

    /// The next chunk's sealed bytes and whether it is the last (the frame after it is
    /// the trailer); nil once the trailer was read and checked.
    private func nextSealedChunk() throws -> (bytes: [UInt8], offset: UInt64, last: Bool)? {
        let frame = try nextFrame ?? readFrameLength()
        guard frame.length != EnvelopeFormat.trailerMark else {
            throw BundleError.damagedTrailer("the envelope ends without a last chunk")
        }
        guard frame.length >= UInt32(EnvelopeFormat.tagSize),
            frame.length <= UInt32(EnvelopeFormat.chunkSize + EnvelopeFormat.tagSize)
        else { throw BundleError.damagedChunk(index: chunkIndex, offset: frame.offset) }
        let sealed = try input.readExactly(Int(frame.length))
        outerDigest.update(data: sealed)
        chunkIndex += 1
        let following = try readFrameLength()
        nextFrame = following
        let last = following.length == EnvelopeFormat.trailerMark
        if last { try readTrailer() }
        return (sealed, frame.offset, last)
    }

    private func readFrameLength() throws -> (length: UInt32, offset: UInt64) {
        let offset = input.offset
        let bytes = try input.readExactly(4)
        var cursor = ByteCursor(bytes)
        let length = cursor.read(UInt32.self) ?? 0
        if length != EnvelopeFormat.trailerMark { outerDigest.update(data: bytes) }
        return (length, offset)
    }

    private func readTrailer() throws {
        let rest = try input.readExactly(8 + 32)
        var trailer: [UInt8] = []
        trailer.appendLittleEndian(EnvelopeFormat.trailerMark)
        trailer += rest
        var cursor = ByteCursor(rest)
        guard cursor.read(UInt64.self) == chunkIndex else { throw BundleError.damagedTrailer("chunk count differs") }
        outerDigest.update(data: trailer)
        guard try input.readExactly(32) == Array(outerDigest.finalize()) else {
            throw BundleError.damagedTrailer("envelope digest mismatch")
        }
        guard try input.readExactly(EnvelopeFormat.endMagic.count) == EnvelopeFormat.endMagic else {
            throw BundleError.damagedTrailer("envelope end mark missing")
        }
        clearChainDigest = Array(rest[8...])
        ended = true
    }
}
