import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A bundle file read at offsets (scans and consolidation).
final class ReadOnlyFile {
    let fd: Int32
    let path: String

    init(_ url: URL) throws(BundleError) {
        path = url.path
        fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw .io(path: path, operation: "open", errno: errno) }
    }

    deinit { close(fd) }

    func read(at offset: UInt64, count: Int) throws(BundleError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let got = out.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + done, count - done, off_t(offset) + off_t(done)) }
            if got < 0 && errno == EINTR { continue }
            if got <= 0 { throw got == 0 ? .truncated(offset: offset) : .io(path: path, operation: "read", errno: errno) }
            done += got
        }
        return out
    }
}
