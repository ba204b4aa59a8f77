import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a bundle's bytes come from.
public protocol BundleInput: AnyObject {
    /// Reads up to `buffer.count` bytes; returns 0 at the end of the input.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
}

/// A buffered reader over an input, which keeps track of the offset. Several bundles
/// may follow one another on one input (`export --to -` of many users): a reader takes
/// exactly its bundle's bytes, so the next reader starts where it stopped, provided both
/// read the same `BufferedBundleInput` (the file and standard-input inputs are ones).
public class BufferedBundleInput: BundleInput {
    private let source: (any BundleInput)?
    private var buffer: [UInt8]
    private var start = 0
    private var end = 0
    /// Bytes consumed so far.
    public private(set) var offset: UInt64 = 0
    /// A name for messages: the file's path or "standard input".
    public let name: String

    /// Buffers `source`.
    public init(wrapping source: any BundleInput, name: String, capacity: Int = 256 << 10) {
        self.source = source
        self.name = name
        buffer = [UInt8](repeating: 0, count: capacity)
    }

    /// Subclasses read from a file descriptor themselves.
    init(name: String, capacity: Int = 256 << 10) {
        source = nil
        self.name = name
        buffer = [UInt8](repeating: 0, count: capacity)
    }

    /// Reads from the underlying source (subclasses override).
    func fill(_ buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let source else { return 0 }
        return try source.read(into: buffer)
    }

    public func read(into target: UnsafeMutableRawBufferPointer) throws -> Int {
        if start == end {
            if target.count >= buffer.count { return try fillCounted(target) }
            try refill()
            if start == end { return 0 }
        }
        let count = min(target.count, end - start)
        buffer.withUnsafeBytes { target.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[start..<start + count])) }
        start += count
        offset += UInt64(count)
        return count
    }

    /// Whether the input is at its end (reads ahead to know).
    func atEnd() throws -> Bool {
        if start < end { return false }
        try refill()
        return start == end
    }

    /// The next `count` bytes (fewer at the end of the input) without consuming them.
    func peek(_ count: Int) throws -> [UInt8] {
        if end - start < count {
            buffer.replaceSubrange(0..<end - start, with: buffer[start..<end])
            end -= start
            start = 0
            while end < count {
                let got = try buffer.withUnsafeMutableBytes { try fill(UnsafeMutableRawBufferPointer(rebasing: $0[end...])) }
                if got == 0 { break }
                end += got
            }
        }
        return Array(buffer[start..<min(end, start + count)])
    }

    /// Exactly `count` bytes, or `BundleError.truncated`.
    func readExactly(_ count: Int) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let got = try out.withUnsafeMutableBytes { try read(into: UnsafeMutableRawBufferPointer(rebasing: $0[done...])) }
            if got == 0 { throw BundleError.truncated(offset: offset) }
            done += got
        }
        return out
    }

    /// Forgets the bytes read ahead (the file input moved to its end).
    func discardReadAhead() {
        start = 0
        end = 0
    }

    private func refill() throws {
        start = 0
        end = try buffer.withUnsafeMutableBytes { try fill($0) }
    }

    private func fillCounted(_ target: UnsafeMutableRawBufferPointer) throws -> Int {
        let count = try fill(target)
        offset += UInt64(count)
        return count
    }
}

/// A bundle file, read front to back.
public final class BundleFileInput: BufferedBundleInput {
    private let fd: Int32
    /// True when the file holds exactly one bundle (a file of a bundle directory, as
    /// export writes them), so its end is that bundle's end (`BundleTail`); false for a
    /// file that may hold a saved stream of several.
    public var holdsOneBundle = false

    /// Opens the file for reading.
    public init(url: URL) throws(BundleError) {
        fd = open(url.path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw .io(path: url.path, operation: "open", errno: errno) }
        super.init(name: url.path)
    }

    deinit { close(fd) }

    override func fill(_ buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        try readFD(fd, buffer, name: name)
    }

    /// Moves to the end of the file: the bundle's remaining bytes are not read.
    func skipToEnd() throws(BundleError) {
        if lseek(fd, 0, SEEK_END) < 0 { throw .io(path: name, operation: "seek", errno: errno) }
        discardReadAhead()
    }
}

/// Standard input, for `import -` at the end of a pipe.
public final class StandardInputBundleInput: BufferedBundleInput {
    /// Reads file descriptor 0.
    public init() { super.init(name: "standard input") }

    override func fill(_ buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        try readFD(STDIN_FILENO, buffer, name: name)
    }
}

/// Bundle bytes held in memory (tests, small tools).
public final class BundleMemoryInput: BufferedBundleInput {
    private let bytes: [UInt8]
    private var position = 0

    /// Reads `bytes`.
    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
        super.init(name: "memory", capacity: 4096)
    }

    override func fill(_ buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let count = min(buffer.count, bytes.count - position)
        bytes.withUnsafeBytes { buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[position..<position + count])) }
        position += count
        return count
    }
}

private func readFD(_ fd: Int32, _ buffer: UnsafeMutableRawBufferPointer, name: String) throws(BundleError) -> Int {
    while true {
        let got = Glibc.read(fd, buffer.baseAddress, buffer.count)
        if got >= 0 { return got }
        if errno != EINTR { throw .io(path: name, operation: "read", errno: errno) }
    }
}
