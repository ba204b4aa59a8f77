import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Asks the kernel to read files ahead of a reader that goes through them whole, one
/// after the other in a known order and each in about the order of its bytes
/// (`posix_fadvise(POSIX_FADV_WILLNEED)`), so the disk streams while the reader works
/// instead of answering one page per read. A full export reads every value of each
/// folder's item file this way: Berkeley DB asks for one page at a time, and on cold
/// pages it waits for each (docs/BENCHMARKS.md, "Full export: reading ahead").
///
/// A thread of its own issues the advice in `chunk`s, up to `window` bytes past the
/// reader's estimated place (the files before its own, whole, and the bytes it has
/// reached in its own), going on into the next files as the window allows, so
/// the disk does not wait at a file's end and at most `window` bytes are asked for
/// ahead of use whatever the files' sizes. A file no larger than the window is asked
/// for whole before the reader is deep into it, which also covers pages that key order
/// visits out of file order. The advice only fills the page cache: the process's memory
/// does not grow with it.
public final class FileReadAhead: @unchecked Sendable {
    private let files: [URL]
    /// Each file's size and where it starts in the files taken one after the other.
    private let sizes: [Int64], starts: [Int64]
    private let window: Int64
    private let chunk: Int64
    private let condition = NSCondition()
    /// Where the reader said it is last: a file's index and the bytes it has reached in it.
    private var place: (file: Int, offset: Int64)?
    private var stopped = false
    private var running = true
    private let advise: Advise

    /// What the thread does with each chunk: given the open file's descriptor, the
    /// file's index in `files`, and the chunk's offset and length.
    typealias Advise = @Sendable (_ descriptor: Int32, _ file: Int, _ offset: Int64, _ length: Int64) -> Void

    /// Asks the kernel for the chunk's pages (`POSIX_FADV_WILLNEED`). The kernel may drop
    /// such a read under load; the reader then reads those pages itself.
    static let willNeed: Advise = { descriptor, _, offset, length in
        _ = posix_fadvise(descriptor, off_t(offset), off_t(length), POSIX_FADV_WILLNEED)
    }

    /// Starts the thread for `files`, in the order they will be read; call `stop()`
    /// when the reading is over.
    public convenience init(files: [URL], window: Int64 = 1 << 30, chunk: Int64 = 32 << 20) {
        self.init(files: files, window: window, chunk: chunk, advise: Self.willNeed)
    }

    /// Starts the thread with `advise` doing what is asked for each chunk (tests record it).
    init(files: [URL], window: Int64, chunk: Int64, advise: @escaping Advise) {
        self.files = files
        self.advise = advise
        sizes = files.map { url in
            var status = stat()
            return stat(url.path, &status) == 0 ? Int64(status.st_size) : 0
        }
        starts = Array(sizes.reduce(into: [0]) { $0.append($0.last! + $1) }.dropLast())
        self.window = window
        self.chunk = max(1, chunk)
        let thread = Thread { [self] in run() }
        thread.name = "read-ahead"
        thread.start()
    }

    /// The reader is in file `index` of `files`, about `offset` bytes into it (an
    /// estimate: more than the file's size counts as its end). A file that cannot be
    /// opened is passed over (the reader will say why it cannot read it).
    public func reader(atFile index: Int, offset: Int64) {
        condition.lock()
        place = (index, max(offset, 0))
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

    /// The thread: goes through the files in order, opening each (it alone opens and
    /// closes them), and advises a chunk at a time while it is less than the window
    /// past the reader.
    private func run() {
        var index = 0
        var file = OpenFile(files.first, index: 0, size: sizes.first ?? 0)
        condition.lock()
        while !stopped {
            guard let place, index < files.count, files.indices.contains(place.file) else {
                condition.wait()
                continue
            }
            if place.file > index || file.issued >= file.size {
                // Past this file (the reader is, or the advice is): on to the next.
                index += 1
                condition.unlock()
                file = index < files.count ? OpenFile(files[index], index: index, size: sizes[index]) : OpenFile(nil, index: index, size: 0)
                condition.lock()
                continue
            }
            let limit = starts[place.file] + min(place.offset, sizes[place.file]) + window
            let at = starts[index] + file.issued
            guard at < limit else {
                condition.wait()
                continue
            }
            let length = min(chunk, file.size - file.issued, limit - at)
            condition.unlock()
            file.advise(length, with: advise)
            condition.lock()
        }
        running = false
        condition.broadcast()
        condition.unlock()
    }
}

/// The file `FileReadAhead`'s thread advises: its descriptor, index, size and how far it
/// has been asked for. Closed when replaced.
private final class OpenFile {
    private let descriptor: Int32
    private let index: Int
    let size: Int64
    private(set) var issued: Int64 = 0

    /// Opens `url`, file `index` of `size` bytes, for advice; nil or a file that does not
    /// open has nothing to advise.
    init(_ url: URL?, index: Int, size: Int64) {
        descriptor = url.map { open($0.path, O_RDONLY | O_CLOEXEC) } ?? -1
        self.index = index
        self.size = descriptor >= 0 ? size : 0
    }

    /// Asks for the next `length` bytes.
    func advise(_ length: Int64, with advise: FileReadAhead.Advise) {
        advise(descriptor, index, issued, length)
        issued += length
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }
}
