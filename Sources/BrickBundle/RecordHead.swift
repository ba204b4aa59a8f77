import Crypto

/// The 28-byte head of a record (docs/FORMAT.md §8.2): magic, type, flags, index,
/// payload length, and a 4-byte check of those 24 bytes, so a damaged length is caught
/// before it is trusted and a salvaging reader can find the next record.
struct RecordHead {
    var type: UInt16
    var flags: UInt16
    var index: UInt64
    var length: UInt64

    var encoded: [UInt8] {
        var out = BundleFormat.recordMagic
        out.appendLittleEndian(type)
        out.appendLittleEndian(flags)
        out.appendLittleEndian(index)
        out.appendLittleEndian(length)
        out += RecordHead.check(out)
        return out
    }

    /// The first four bytes of SHA-256 of the head's first 24 bytes.
    static func check(_ first24: [UInt8]) -> [UInt8] {
        Array(SHA256.hash(data: first24).prefix(4))
    }

    /// Decodes 28 bytes; nil when the magic or the check does not match.
    init?(decoding bytes: [UInt8]) {
        guard bytes.count == BundleFormat.recordHeadSize, Array(bytes[0..<4]) == BundleFormat.recordMagic,
            Array(bytes[24..<28]) == RecordHead.check(Array(bytes[0..<24]))
        else { return nil }
        var cursor = ByteCursor(bytes, at: 4)
        guard let type = cursor.read(UInt16.self), let flags = cursor.read(UInt16.self),
            let index = cursor.read(UInt64.self), let length = cursor.read(UInt64.self)
        else { return nil }
        self.init(type: type, flags: flags, index: index, length: length)
    }

    init(type: UInt16, flags: UInt16, index: UInt64, length: UInt64) {
        self.type = type
        self.flags = flags
        self.index = index
        self.length = length
    }
}
