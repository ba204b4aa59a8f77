import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a bundle's bytes go: a file in a bundle directory, or standard output.
public protocol BundleOutput: AnyObject {
    /// Writes all of `bytes` or throws.
    func write(_ bytes: UnsafeRawBufferPointer) throws
}

/// Writes `bytes` to `fd` completely, retrying short writes and interrupted calls.
func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws(BundleError) {
    var done = 0
    while done < bytes.count {
        let written = Glibc.write(fd, bytes.baseAddress! + done, bytes.count - done)
        if written < 0 {
            if errno == EINTR { continue }
            throw .io(path: path, operation: "write", errno: errno)
        }
        done += written
    }
}

/// A bundle file in a bundle directory: `DIR/<user>/<sequence, 10 digits>.bundle`, so
/// `ls` lists a user's bundles in chain order. It is written under a temporary name and
/// appears under its own name only on `commit()`, after its bytes reached the disk: a
/// killed export leaves no bundle, only a temporary file the next export replaces.
public final class BundleFileOutput: BundleOutput {
    /// The bundle's final location.
    public let url: URL
    private let temporaryURL: URL
    private var fd: Int32

    /// Creates the user's directory (mode 0700) when needed and opens the temporary file
    /// (mode 0600, never through a symbolic link).
    public init(directory: URL, user: String, sequence: UInt64) throws(BundleError) {
        guard BundleFileOutput.isSafeComponent(user) else {
            throw .misuse("user name \(user.debugDescription) cannot name a bundle directory")
        }
        let userDirectory = directory.appendingPathComponent(user, isDirectory: true)
        for path in [directory.path, userDirectory.path] where mkdir(path, 0o700) != 0 && errno != EEXIST {
            throw .io(path: path, operation: "mkdir", errno: errno)
        }
        let name = BundleFileOutput.fileName(sequence: sequence)
        url = userDirectory.appendingPathComponent(name)
        temporaryURL = userDirectory.appendingPathComponent(".\(name).tmp")
        fd = open(temporaryURL.path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0o600)
        if fd < 0 { throw .io(path: temporaryURL.path, operation: "open", errno: errno) }
    }

    deinit { if fd >= 0 { discard() } }

    /// The file name of a bundle in its user's directory.
    public static func fileName(sequence: UInt64) -> String {
        let digits = String(sequence)
        return String(repeating: "0", count: max(0, 10 - digits.count)) + digits + ".bundle"
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard fd >= 0 else { throw BundleError.misuse("write after commit") }
        try writeAll(fd, bytes, path: temporaryURL.path)
    }

    /// Makes the bundle durable and visible: fsync, rename into place, fsync of the
    /// directory. Only after this may the export's cursor advance.
    public func commit() throws(BundleError) {
        guard fd >= 0 else { throw .misuse("commit twice") }
        if fsync(fd) != 0 { throw .io(path: temporaryURL.path, operation: "fsync", errno: errno) }
        close(fd)
        fd = -1
        if rename(temporaryURL.path, url.path) != 0 { throw .io(path: url.path, operation: "rename", errno: errno) }
        let directory = open(url.deletingLastPathComponent().path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directory >= 0 {
            defer { close(directory) }
            if fsync(directory) != 0 { throw .io(path: url.deletingLastPathComponent().path, operation: "fsync", errno: errno) }
        }
    }

    /// Abandons the bundle: the temporary file is removed.
    public func discard() {
        guard fd >= 0 else { return }
        close(fd)
        fd = -1
        unlink(temporaryURL.path)
    }

    static func isSafeComponent(_ name: String) -> Bool {
        !name.isEmpty && name != "." && name != ".." && !name.contains("/") && !name.utf8.contains(0)
            && name.utf8.count <= 255
    }
}

/// Standard output, for `export --to -` into a pipe. A closed pipe is an error the
/// export reports (EPIPE), not a signal that kills it.
public final class StandardOutputBundleOutput: BundleOutput {
    /// Ignores SIGPIPE for the process so a reader that went away shows as EPIPE.
    public init() { signal(SIGPIPE, SIG_IGN) }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        try writeAll(STDOUT_FILENO, bytes, path: "standard output")
    }

    /// Nothing is buffered here; present so callers mark the point where the stream is
    /// complete.
    public func flush() throws {}
}

/// Collects a bundle in memory (tests, small tools).
public final class BundleMemoryOutput: BundleOutput {
    /// The bytes written so far.
    public private(set) var bytes: [UInt8] = []

    /// An empty output.
    public init() {}

    public func write(_ bytes: UnsafeRawBufferPointer) throws { self.bytes += bytes }
}
