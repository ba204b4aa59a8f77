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
    private static let crlf: [UInt8] = [13, 10]
    private var whole = SHA256()
    private var trimmed = SHA256()
    private var previous: UInt8 = 0
    /// CR and LF bytes not yet given to `trimmed`: they reach it only once a byte
    /// other than CR or LF follows them.
    private var held: [UInt8] = []

    mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress else { return }
        var start = 0
        while start < bytes.count {
            let found = memchr(base + start, 0x0A, bytes.count - start)
            let end = found.map { base.distance(to: UnsafeRawPointer($0)) } ?? bytes.count
            if end > start {
                emit(UnsafeRawBufferPointer(rebasing: bytes[start..<end]))
                previous = bytes[end - 1]
            }
            guard end < bytes.count else { break }
            if previous == 13 {
                CRLFDigest.crlf.withUnsafeBytes { emit(UnsafeRawBufferPointer(rebasing: $0[1...])) }
            } else {
                CRLFDigest.crlf.withUnsafeBytes { emit($0) }
            }
            previous = 10
            start = end + 1
        }
    }

    private mutating func emit(_ piece: UnsafeRawBufferPointer) {
        whole.update(bufferPointer: piece)
        guard let last = piece.lastIndex(where: { $0 != 10 && $0 != 13 }) else {
            held.append(contentsOf: piece)
            return
        }
        if !held.isEmpty {
            trimmed.update(data: held)
            held.removeAll(keepingCapacity: true)
        }
        trimmed.update(bufferPointer: UnsafeRawBufferPointer(rebasing: piece[...last]))
        held.append(contentsOf: piece[(last + 1)...])
    }

    func finalize() -> (identity: String, content: String) {
        ("sha256:" + SHA256Digest.hexString(Array(whole.finalize())), "sha256:" + SHA256Digest.hexString(Array(trimmed.finalize())))
    }
}
