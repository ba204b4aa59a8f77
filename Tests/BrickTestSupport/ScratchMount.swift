import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A small file system mounted for one test: a tmpfs, or an ext4 on a loop device with
/// a chosen block size. Unmounted and released in `deinit`. Mounting needs root, `mount` and a loop device: `unavailableReason`
/// says why a test cannot run here.
public final class ScratchMount {
    public enum Kind {
        case tmpfs(megabytes: Int)
        case ext4(megabytes: Int, blockSize: Int)
    }

    public let url: URL
    private let image: String?
    private var loopDevice: String?

    /// Why mounting is impossible here, or nil when it is possible.
    public static let unavailableReason: String? = {
        if geteuid() != 0 { return "mounting a scratch file system needs root" }
        for tool in ["/usr/bin/mount", "/usr/sbin/losetup", "/usr/sbin/mkfs.ext4"] where !FileManager.default.isExecutableFile(atPath: tool) && !FileManager.default.isExecutableFile(atPath: tool.replacingOccurrences(of: "/usr", with: "")) {
            return "\(tool) is missing"
        }
        guard (try? shell("d=$(mktemp -d) && mount -t tmpfs -o size=1m tmpfs \"$d\" && umount \"$d\" && rmdir \"$d\"")) != nil else {
            return "mount is not permitted here"
        }
        guard (try? shell("losetup -f")) != nil else { return "no free loop device" }
        return nil
    }()

    /// Mounts a new file system of `kind`.
    public init(_ kind: Kind) throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("brick-mount-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        switch kind {
        case .tmpfs(let megabytes):
            image = nil
            try ScratchMount.shell("mount -t tmpfs -o size=\(megabytes)m,mode=0755 tmpfs '\(url.path)'")
        case .ext4(let megabytes, let blockSize):
            let image = url.path + ".img"
            self.image = image
            try ScratchMount.shell("truncate -s \(megabytes)M '\(image)'")
            let loop = try ScratchMount.shell("losetup -f --show '\(image)'").trimmingCharacters(in: .whitespacesAndNewlines)
            loopDevice = loop
            try ScratchMount.shell("mkfs.ext4 -q -F -b \(blockSize) -m 0 '\(loop)'")
            try ScratchMount.shell("mount '\(loop)' '\(url.path)'")
        }
    }

    /// Fills the file system up to `leaving` bytes free, in a file `fill` that
    /// `release()` removes.
    public func fill(leaving free: Int64 = 0) throws {
        var info = statvfs()
        guard statvfs(url.path, &info) == 0 else { return }
        let available = Int64(info.f_bavail) * Int64(info.f_frsize) - free
        if available > 0 {
            try? ScratchMount.shell("dd if=/dev/zero of='\(url.path)/fill' bs=64k count=\(available / 65536 + 1) 2>/dev/null; sync")
        }
    }

    /// Removes the filler written by `fill`.
    public func release() {
        unlink(url.path + "/fill")
        sync()
    }

    /// Remounts read-only (`true`) or read-write.
    public func remount(readOnly: Bool) throws {
        try ScratchMount.shell("mount -o remount,\(readOnly ? "ro" : "rw") '\(url.path)'")
    }

    deinit {
        try? ScratchMount.shell("umount '\(url.path)' 2>/dev/null || umount -l '\(url.path)'")
        if let loopDevice { try? ScratchMount.shell("losetup -d \(loopDevice)") }
        if let image { unlink(image) }
        rmdir(url.path)
    }

    /// Runs a shell command; throws with its output when it fails.
    @discardableResult
    public static func shell(_ command: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = "/usr/sbin:/usr/bin:/sbin:/bin"
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ScratchMountError(description: "\(command): exit \(process.terminationStatus): \(output)")
        }
        return output
    }
}

/// A failed mount helper command.
public struct ScratchMountError: Error, CustomStringConvertible {
    public var description: String
}
