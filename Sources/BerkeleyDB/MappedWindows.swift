import Foundation
import Glibc
import Synchronization

/// Read-only mappings of one open file in fixed windows, the few used last kept mapped,
/// for reading pages in place (`DirectBtreeReader`). A window is populated when it is
/// mapped (`MADV_POPULATE_READ`), so a disk error comes back as a window that is not
/// there, never as SIGBUS on a read of it; where the kernel cannot populate (before
/// 5.14) no window is mapped at all.
final class MappedWindows: @unchecked Sendable {
    /// One mapped window, unmapped once neither the cache nor a reader holds it.
    final class Window: @unchecked Sendable {
        /// The file offset the window starts at.
        let start: Int
        /// The window's bytes.
        let bytes: UnsafeRawBufferPointer
        private let tally: Tally

        fileprivate init(start: Int, bytes: UnsafeRawBufferPointer, tally: Tally) {
            self.start = start
            self.bytes = bytes
            self.tally = tally
            tally.count.add(1, ordering: .relaxed)
        }

        deinit {
            munmap(UnsafeMutableRawPointer(mutating: bytes.baseAddress), bytes.count)
            tally.count.subtract(1, ordering: .relaxed)
        }
    }

    /// The windows of one file mapped now, counted by the windows themselves, since a
    /// reader may hold one after the `MappedWindows` is gone.
    fileprivate final class Tally: Sendable {
        let count = Atomic<Int>(0)
    }

    /// A window no longer kept that a reader may still hold.
    private struct Held {
        weak var window: Window?
    }

    let windowSize: Int
    let fileSize: Int
    private let descriptor: Int32
    private let kept: Int
    private let lock = NSLock()
    /// The windows kept, the one used last at the end.
    private var recent: [Window] = []
    /// Windows let go of by `recent` while readers still held them, by start: used
    /// again rather than mapped twice.
    private var held: [Int: Held] = [:]
    private var failed: Set<Int> = []
    private let tally = Tally()

    /// Windows of `windowSize` bytes over the first `fileSize` bytes of `descriptor`,
    /// which must stay open and unchanged while this is used; `kept` stay mapped.
    init(descriptor: Int32, fileSize: Int, windowSize: Int, kept: Int) {
        self.descriptor = descriptor
        self.fileSize = fileSize
        self.windowSize = windowSize
        self.kept = max(1, kept)
    }

    /// The window holding file offset `offset`, nil past the end or when it cannot be
    /// mapped and populated.
    func window(at offset: Int) -> Window? {
        guard offset >= 0, offset < fileSize else { return nil }
        let start = offset / windowSize * windowSize
        lock.lock()
        defer { lock.unlock() }
        if let index = recent.lastIndex(where: { $0.start == start }) {
            if index != recent.count - 1 { recent.append(recent.remove(at: index)) }
            return recent[recent.count - 1]
        }
        let window: Window
        if let still = held.removeValue(forKey: start)?.window {
            window = still
        } else {
            guard !failed.contains(start), let mapped = map(start) else {
                failed.insert(start)
                return nil
            }
            window = mapped
        }
        recent.append(window)
        if recent.count > kept { hold(recent.removeFirst()) }
        return window
    }

    /// Windows mapped now: those kept and those readers still hold.
    var mappedCount: Int { tally.count.load(ordering: .relaxed) }

    /// Lets go of the windows kept (readers still holding one keep it until they are done).
    func release() {
        lock.lock()
        for window in recent { hold(window) }
        recent = []
        lock.unlock()
    }

    /// Notes a window leaving `recent`, in case a reader still holds it. Call with `lock` held.
    private func hold(_ window: Window) {
        if held.count >= 64 { held = held.filter { $0.value.window != nil } }
        held[window.start] = Held(window: window)
    }

    private func map(_ start: Int) -> Window? {
        let count = min(windowSize, fileSize - start)
        guard let address = mmap(nil, count, PROT_READ, MAP_SHARED, descriptor, off_t(start)), address != MAP_FAILED else {
            return nil
        }
        guard madvise(address, count, MADV_POPULATE_READ) == 0 else {
            munmap(address, count)
            return nil
        }
        return Window(start: start, bytes: UnsafeRawBufferPointer(start: address, count: count), tally: tally)
    }
}
