/// A value read in place by `DirectBtreeReader`: the slices of the file's mapped pages
/// that hold it, in order (the bytes on its leaf page, or those of each page of its
/// overflow chain), never copied. Holding it keeps those pages mapped, so its bytes can
/// be handed on (to a thread that hashes and writes them) and read there; it is let go
/// of as soon as they are. The mapping is read-only, so nothing can change the bytes
/// through it.
public struct MappedValue: @unchecked Sendable {
    /// One slice and the window whose mapping holds it.
    private struct Slice {
        let window: MappedWindows.Window
        let bytes: UnsafeRawBufferPointer
    }

    private var slices: [Slice] = []
    /// Bytes of the value.
    public private(set) var count = 0

    init() {}

    /// Adds `bytes`, which lie in `window`'s mapping, to the end of the value.
    mutating func append(_ bytes: UnsafeRawBufferPointer, of window: MappedWindows.Window) {
        slices.append(Slice(window: window, bytes: bytes))
        count += bytes.count
    }

    /// Calls `body` with each slice in order and an object that keeps it mapped while
    /// it is held.
    public func forEachSlice(_ body: (_ bytes: UnsafeRawBufferPointer, _ owner: AnyObject) throws -> Void) rethrows {
        for slice in slices { try body(slice.bytes, slice.window) }
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
