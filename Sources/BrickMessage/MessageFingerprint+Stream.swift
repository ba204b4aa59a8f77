import BrickCore
import Crypto
import Foundation

extension MessageFingerprint {
    /// The fingerprint (as `init(raw:messageID:internalDate:)`) and the content digest
    /// (as `contentDigest`) of a message read from `stream`, too large to hold: one
    /// pass over the bytes, which also proves them readable before anything is written.
    public static func restoring(
        stream: any MessageByteStream, messageID: String?, internalDate: Date
    ) throws -> (fingerprint: MessageFingerprint, contentDigest: String) {
        let digests = try MessageFingerprint.digests(of: stream)
        let identity: String
        if let messageID, let normalized = HeaderValue.messageID(Array(messageID.utf8)) {
            identity = normalized
        } else if let parsed = MessageSummary(parsing: try stream.prefix(MessageSummary.headerPrefix)).messageID {
            identity = parsed
        } else {
            identity = digests.identity
        }
        return (MessageFingerprint(identity: identity, internalDate: MessageFingerprint.seconds(internalDate)), digests.content)
    }

    /// `digestIdentity` and `contentDigest` of the bytes `stream` yields, in one pass
    /// that holds one piece at a time.
    public static func digests(of stream: any MessageByteStream) throws -> (identity: String, content: String) {
        var digest = CRLFDigest()
        try stream.forEachChunk { digest.update($0) }
        return digest.finalize()
    }
}

/// SHA-256 of a message's canonical CRLF form fed piece by piece: every LF not
/// preceded by CR is hashed as CRLF (`LineEnds.crlf`); the run of CR and LF at the
/// end is held back, so the digest without it (`contentDigest`) comes out too.
struct CRLFDigest {
    private var whole = SHA256()
    private var trimmed = SHA256()
    private var previous: UInt8 = 0
    private var held: [UInt8] = []
    private var canonical: [UInt8] = []

    mutating func update(_ bytes: UnsafeRawBufferPointer) {
        canonical.removeAll(keepingCapacity: true)
        canonical.reserveCapacity(bytes.count + bytes.count / 32)
        for byte in bytes {
            if byte == 10 && previous != 13 { canonical.append(13) }
            canonical.append(byte)
            previous = byte
        }
        whole.update(data: canonical)
        // The trailing run of CR and LF reaches the trimmed digest only once a byte
        // other than CR or LF follows it.
        guard let last = canonical.lastIndex(where: { $0 != 10 && $0 != 13 }) else {
            held += canonical
            return
        }
        trimmed.update(data: held)
        held.removeAll(keepingCapacity: true)
        trimmed.update(data: canonical[...last])
        held += canonical[(last + 1)...]
    }

    func finalize() -> (identity: String, content: String) {
        ("sha256:" + SHA256Digest.hexString(Array(whole.finalize())), "sha256:" + SHA256Digest.hexString(Array(trimmed.finalize())))
    }
}
