/// A value read in place by `DirectBtreeReader`: the slices of the file's mapped pages
/// that hold it, in order (the bytes on its leaf page, or those of each page of its
/// overflow chain), not copied. Holding it keeps those pages mapped, so its bytes can
/// be handed on (to a thread that hashes and writes them) and read there; it is let go
/// of as soon as they are. The mapping is read-only, so nothing can change the bytes
/// through it. A reader with many windows mapped hands over a copy instead, one slice
/// of memory of its own (`copied()`).
public struct MappedValue: @unchecked Sendable {
    /// One slice and what keeps it valid: the window whose mapping holds it, or the
    /// copy's buffer.
    private struct Slice {
        let owner: AnyObject
        let bytes: UnsafeRawBufferPointer
    }

    /// The bytes of a copied value.
    private final class Copy {
        let bytes: UnsafeMutableRawBufferPointer

        init(count: Int) { bytes = .allocate(byteCount: count, alignment: 16) }

        deinit { bytes.deallocate() }
    }

    private var slices: [Slice] = []
    /// Bytes of the value.
    public private(set) var count = 0

    init() {}

    /// Adds `bytes`, which lie in `window`'s mapping, to the end of the value.
    mutating func append(_ bytes: UnsafeRawBufferPointer, of window: MappedWindows.Window) {
        slices.append(Slice(owner: window, bytes: bytes))
        count += bytes.count
    }

    /// The same bytes in one slice of memory of their own, so no window stays mapped for
    /// them.
    func copied() -> MappedValue {
        let copy = Copy(count: count)
        var filled = 0
        for slice in slices {
            UnsafeMutableRawBufferPointer(rebasing: copy.bytes[filled...]).copyMemory(from: slice.bytes)
            filled += slice.bytes.count
        }
        var value = MappedValue()
        value.slices = [Slice(owner: copy, bytes: UnsafeRawBufferPointer(copy.bytes))]
        value.count = count
        return value
    }

    /// Calls `body` with each slice in order and an object that keeps it mapped while
    /// it is held.
    public func forEachSlice(_ body: (_ bytes: UnsafeRawBufferPointer, _ owner: AnyObject) throws -> Void) rethrows {
        for slice in slices { try body(slice.bytes, slice.owner) }
    }

    /// The value's first `length` bytes (all of them when it is shorter), copied.
    public func prefix(_ length: Int) -> [UInt8] {
        var head: [UInt8] = []
        head.reserveCapacity(min(length, count))
        for slice in slices where head.count < length {
            head += slice.bytes.prefix(length - head.count)
        }
        return head
    }

    /// The whole value, copied.
    public var bytes: [UInt8] { prefix(count) }
}
