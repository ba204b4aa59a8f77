import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Asks the kernel to read a file ahead of a reader that goes through it whole, in
/// about the order of its bytes (`posix_fadvise(POSIX_FADV_WILLNEED)`), so the disk
/// streams while the reader works instead of answering one page per read. A full
/// export reads every value of a folder's item file this way: Berkeley DB asks for one
/// page at a time, and on cold pages it waits for each (docs/BENCHMARKS.md, "Full
/// export: reading ahead").
///
/// A thread of its own issues the advice in `chunk`s, up to `window` bytes past the
/// reader's estimated place (the share of the file's items it has reached), so at most
/// that much is asked for ahead of use whatever the file's size; a file no larger than
/// the window is asked for whole as soon as the reader reaches it, which also covers
/// pages that key order visits out of file order. The advice only fills the page cache:
/// the process's memory does not grow with it.
public final class FileReadAhead: @unchecked Sendable {
    private let window: Int64
    private let chunk: Int64
    private let condition = NSCondition()
    /// What the reader said last (under `condition`).
    private var wanted: (path: String, fraction: Double)?
    private var stopped = false
    private var running = true

    /// Starts the thread; call `stop()` when the reading is over.
    public init(window: Int64 = 1 << 30, chunk: Int64 = 32 << 20) {
        self.window = window
        self.chunk = max(1, chunk)
        let thread = Thread { [self] in run() }
        thread.name = "read-ahead"
        thread.start()
    }

    /// The reader is in the file at `url`, about `fraction` (0 to 1) of the way through
    /// it. A file that cannot be opened is not read ahead (the reader will say why it
    /// cannot read it).
    public func reader(at url: URL, fraction: Double) {
        condition.lock()
        wanted = (url.path, min(max(fraction, 0), 1))
        condition.broadcast()
        condition.unlock()
    }

    /// Stops the thread and waits for it; no advice is given after this returns.
    public func stop() {
        condition.lock()
        defer { condition.unlock() }
        stopped = true
        condition.broadcast()
        while running { condition.wait() }
    }

    /// The thread: opens the file the reader is in (it alone opens and closes it) and
    /// advises a chunk at a time up to the window past the reader.
    private func run() {
        var file = OpenFile()
        condition.lock()
        while !stopped {
            guard let wanted else {
                condition.wait()
                continue
            }
            if wanted.path != file.path {
                condition.unlock()
                file = OpenFile(path: wanted.path)
                condition.lock()
                continue
            }
            let target = min(file.size, Int64(Double(file.size) * wanted.fraction) + window)
            guard file.issued < target else {
                condition.wait()
                continue
            }
            let length = min(chunk, target - file.issued)
            condition.unlock()
            file.advise(length)
            condition.lock()
        }
        running = false
        condition.broadcast()
        condition.unlock()
    }
}

/// The file `FileReadAhead`'s thread advises: its descriptor, size and how far it has
/// been asked for. Closed when replaced.
private final class OpenFile {
    let path: String?
    private let descriptor: Int32
    let size: Int64
    private(set) var issued: Int64 = 0

    init(path: String? = nil) {
        self.path = path
        descriptor = path.map { open($0, O_RDONLY | O_CLOEXEC) } ?? -1
        var status = stat()
        size = descriptor >= 0 && fstat(descriptor, &status) == 0 ? Int64(status.st_size) : 0
    }

    /// Asks for the next `length` bytes.
    func advise(_ length: Int64) {
        _ = posix_fadvise(descriptor, off_t(issued), off_t(length), POSIX_FADV_WILLNEED)
        issued += length
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }
}
