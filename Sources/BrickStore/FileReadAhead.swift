import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Reads files ahead of a reader that goes through them whole, one after the other in
/// a known order and each in about the order of its bytes, and drops what it brought
/// into the page cache once the reader is done with it. A full export reads every value
/// of each folder's item file this way: Berkeley DB asks for one page at a time, and on
/// cold pages it would wait for each (docs/BENCHMARKS.md, "Full export: reading ahead"
/// and "Full export: the page cache as a window").
///
/// A thread of its own fills the page cache in `chunk`s, up to `window` bytes past the
/// reader's estimated place (the files before its own, whole, and the bytes it has
/// reached in its own), going on into the next files as the window allows, so the disk
/// does not wait at a file's end. Once the reader says it has finished with a file, the
/// file's pages are dropped again, except the chunks that were mostly in the page cache
/// when the read-ahead started. A file is dropped whole, not behind the
/// reader's place in it, since key order may visit its pages out of file order. So the
/// read-ahead holds at most the largest file and `window` bytes of the page cache,
/// leaves other processes' cached pages in place, and reuses the same memory from file
/// to file. The process's own memory does not grow with any of it.
public final class FileReadAhead: @unchecked Sendable {
    private let files: [URL]
    /// Each file's size and where it starts in the files taken one after the other.
    private let sizes: [Int64], starts: [Int64]
    private let window: Int64
    private let chunk: Int64
    private let advice: PageCacheAdvice
    private let condition = NSCondition()
    /// Where the reader said it is last: a file's index and the bytes it has reached in it.
    private var place: (file: Int, offset: Int64)?
    /// The files before this one the reader said it has finished with.
    private var finished = 0
    /// How far the pages have been dropped, in the same terms.
    private var dropped: Int64 = 0
    /// Ranges, in the same terms, that were mostly in the page cache when the read-ahead
    /// started, before any of it was asked for: never dropped.
    private var cachedBefore: [Range<Int64>] = []
    private var stopped = false
    private var running = true

    /// Notes which chunks of `files` are mostly in the page cache, then starts the
    /// thread for them, in the order they will be read; call `stop()` when the reading
    /// is over. Start it before the reader reads any of them.
    public convenience init(files: [URL], window: Int64 = 256 << 20, chunk: Int64 = 16 << 20) {
        self.init(files: files, window: window, chunk: chunk, advice: .kernel)
    }

    /// Starts the thread with `advice` doing what is asked for each chunk (tests record it).
    init(files: [URL], window: Int64, chunk: Int64, advice: PageCacheAdvice) {
        self.files = files
        self.advice = advice
        sizes = files.map { url in
            var status = stat()
            return stat(url.path, &status) == 0 ? Int64(status.st_size) : 0
        }
        starts = Array(sizes.reduce(into: [0]) { $0.append($0.last! + $1) }.dropLast())
        self.window = window
        self.chunk = max(1, chunk)
        noteCachedChunks()
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

    /// The reader has finished with the files before file `index` of `files`: their
    /// pages may be dropped.
    public func finished(beforeFile index: Int) {
        condition.lock()
        finished = max(finished, min(index, files.count))
        condition.broadcast()
        condition.unlock()
    }

    /// Stops the thread and waits for it, once it has dropped the pages of every file it
    /// has opened, except those cached before; nothing is asked of the kernel after this
    /// returns.
    public func stop() {
        condition.lock()
        defer { condition.unlock() }
        stopped = true
        condition.broadcast()
        while running { condition.wait() }
    }

    /// The thread: drops what the reader is done with, then goes through the files in
    /// order, opening each (it alone opens and closes them), and fills a chunk at a time
    /// while it is less than the window past the reader.
    private func run() {
        var index = 0
        var file = openFile(0)
        condition.lock()
        while !stopped {
            // Dropping lets go of the lock: look at `stopped` and the places again first.
            if dropPages(upTo: finished < files.count ? starts[finished] : total) { continue }
            guard let place, index < files.count, files.indices.contains(place.file) else {
                condition.wait()
                continue
            }
            if place.file > index || file.issued >= file.size {
                // Past this file (the reader is, or the read-ahead is): on to the next.
                index += 1
                condition.unlock()
                file = openFile(index)
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
            file.fill(length, with: advice)
            condition.lock()
        }
        dropPages(upTo: index < files.count ? starts[index] + sizes[index] : total)
        running = false
        condition.broadcast()
        condition.unlock()
    }

    /// Opens file `index`; past the last, a file with nothing to read.
    private func openFile(_ index: Int) -> OpenFile {
        guard files.indices.contains(index) else { return OpenFile(nil, index: index, size: 0) }
        return OpenFile(files[index], index: index, size: sizes[index])
    }

    /// Records the chunks of every file (whole chunks from its start, the last one
    /// shorter) that are mostly in the page cache, so that they are never dropped.
    private func noteCachedChunks() {
        for index in files.indices where sizes[index] > 0 {
            let descriptor = open(files[index].path, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else { continue }
            defer { close(descriptor) }
            for start in stride(from: Int64(0), to: sizes[index], by: Int(chunk)) {
                let length = min(chunk, sizes[index] - start)
                if advice.isCached(descriptor, index, start, length) {
                    keep((starts[index] + start)..<(starts[index] + start + length))
                }
            }
        }
    }

    /// The bytes of the files taken one after the other.
    private var total: Int64 { (starts.last ?? 0) + (sizes.last ?? 0) }

    /// Drops, a chunk at a time, the pages before `limit` (a file's start in the files
    /// taken one after the other, or their end) not dropped yet, except those that were
    /// cached before. The ranges are whole chunks counted from a file's start, or end at
    /// the file's end, where no large folio can straddle them (the kernel keeps a folio
    /// that a range cuts). Called and returns with the lock held, which it lets go of
    /// while it drops; returns whether it did.
    @discardableResult
    private func dropPages(upTo limit: Int64) -> Bool {
        let before = dropped
        while dropped < limit, let file = starts.indices.last(where: { starts[$0] <= dropped }) {
            let end = min(starts[file] + sizes[file], dropped + chunk)
            let ranges = uncached(dropped..<end)
            let start = starts[file]
            condition.unlock()
            let descriptor = ranges.isEmpty ? -1 : open(files[file].path, O_RDONLY | O_CLOEXEC)
            if descriptor >= 0 {
                for range in ranges {
                    advice.drop(descriptor, file, range.lowerBound - start, Int64(range.count))
                }
                close(descriptor)
            }
            condition.lock()
            dropped = end
            cachedBefore.removeAll { $0.upperBound <= dropped }
        }
        return dropped != before
    }

    /// Records `range` as cached before, joined to the last range when they touch.
    private func keep(_ range: Range<Int64>) {
        if let last = cachedBefore.last, last.upperBound == range.lowerBound {
            cachedBefore[cachedBefore.count - 1] = last.lowerBound..<range.upperBound
        } else {
            cachedBefore.append(range)
        }
    }

    /// The parts of `range` outside every range cached before.
    private func uncached(_ range: Range<Int64>) -> [Range<Int64>] {
        var parts: [Range<Int64>] = []
        var start = range.lowerBound
        for kept in cachedBefore where kept.overlaps(range) {
            if kept.lowerBound > start { parts.append(start..<kept.lowerBound) }
            start = max(start, kept.upperBound)
        }
        if start < range.upperBound { parts.append(start..<range.upperBound) }
        return parts
    }
}

/// The file `FileReadAhead`'s thread fills: its descriptor, index, size and how far it
/// has been asked for. Closed when replaced.
private final class OpenFile {
    private let descriptor: Int32
    private let index: Int
    let size: Int64
    private(set) var issued: Int64 = 0

    /// Opens `url`, file `index` of `size` bytes, for reading ahead; nil or a file that
    /// does not open has nothing to read.
    init(_ url: URL?, index: Int, size: Int64) {
        descriptor = url.map { open($0.path, O_RDONLY | O_CLOEXEC) } ?? -1
        self.index = index
        self.size = descriptor >= 0 ? size : 0
    }

    /// Fills the page cache with the next `length` bytes.
    func fill(_ length: Int64, with advice: PageCacheAdvice) {
        advice.fill(descriptor, index, issued, length)
        issued += length
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }
}
