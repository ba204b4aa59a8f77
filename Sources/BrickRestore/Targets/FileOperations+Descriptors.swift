import BrickCore
#if canImport(Glibc)
import Glibc
#endif
import BrickMaildir
import Foundation

extension FileOperations {
    /// Runs `body`, turning the errors of `NoFollowDirectory` into `FileTargetError`s.
    static func translating<Result>(_ body: () throws -> Result) throws -> Result {
        do {
            return try body()
        } catch MaildirError.symbolicLink(let link) {
            throw FileTargetError.symbolicLink(path: link)
        } catch MaildirError.notADirectory(let file) {
            throw FileTargetError.system(operation: "open", path: file, errno: ENOTDIR)
        } catch MaildirError.notARegularFile(let file, _) {
            throw FileTargetError.system(operation: "open", path: file, errno: EINVAL)
        } catch MaildirError.systemCall(let function, let failed, let code) {
            throw FileTargetError.system(operation: function, path: failed, errno: code)
        }
    }

    /// Opens the regular file `file` for appending (created 0600 when missing) from a
    /// descriptor of its directory: with `base`, the directories from `base` down are
    /// created and opened without following a link; without, the directory is the
    /// part an administrator typed. A link, FIFO or device at `file` is refused.
    static func openForAppend(_ file: String, under base: String?) throws -> Int32 {
        let directoryPath = PathText.parent(of: file)
        let name = (file as NSString).lastPathComponent
        let directory = try openDirectory(directoryPath.isEmpty ? "." : directoryPath, under: base)
        return try translating {
            guard let descriptor = try directory.openFile(name, flags: O_WRONLY | O_APPEND | O_CREAT) else {
                throw FileTargetError.system(operation: "open", path: file, errno: ENOENT)
            }
            return descriptor
        }
    }

    /// The directory `path`, made when missing: below `base` without following a
    /// link, or (no `base`) as typed.
    static func openDirectory(_ path: String, under base: String?) throws -> NoFollowDirectory {
        if let base { return try makeDirectories(path, under: base) }
        try makeDirectories(path)
        return try translating {
            guard let directory = try NoFollowDirectory.open(path, followingLast: true) else {
                throw FileTargetError.system(operation: "open", path: path, errno: ENOENT)
            }
            return directory
        }
    }

    /// Writes `bytes` as the file `name` in `directory` through a new temporary file
    /// (`O_EXCL`, never a link) renamed over it, with times set to `modified`; with
    /// `sync`, fsynced before the rename.
    static func writeFileAtomically(
        _ bytes: [UInt8], named name: String, in directory: NoFollowDirectory, modified: Date, sync: Bool = false
    ) throws {
        try writeFileAtomically(named: name, in: directory, modified: modified, sync: sync) { descriptor, path in
            try writeAll(bytes, to: descriptor, path: path)
        }
    }

    /// Writes `item`'s bytes, held or read piece by piece from its stream, as the file
    /// `name` in `directory`, as `writeFileAtomically(_:named:in:modified:sync:)` does:
    /// a stream that fails (damage found at its end) leaves no file.
    static func writeFileAtomically(
        _ item: RestoreItem, named name: String, in directory: NoFollowDirectory, modified: Date, sync: Bool = false
    ) throws {
        guard let stream = item.stream else {
            return try writeFileAtomically(item.raw, named: name, in: directory, modified: modified, sync: sync)
        }
        try writeFileAtomically(named: name, in: directory, modified: modified, sync: sync) { descriptor, path in
            try stream.forEachChunk { try writeAll($0, to: descriptor, path: path) }
        }
    }

    private static func writeFileAtomically(
        named name: String, in directory: NoFollowDirectory, modified: Date, sync: Bool,
        _ fill: (Int32, String) throws -> Void
    ) throws {
        let temporary = ".\(name).\(getpid()).tmp"
        try translating {
            _ = try? directory.removeFile(temporary)
            guard let descriptor = try directory.openFile(temporary, flags: O_WRONLY | O_CREAT | O_EXCL) else {
                throw FileTargetError.system(operation: "open", path: directory.child(temporary), errno: ENOENT)
            }
            do {
                defer { close(descriptor) }
                try fill(descriptor, directory.child(temporary))
                try setTimes(descriptor, path: directory.child(temporary), to: modified)
                if sync { try call("fsync", directory.child(temporary)) { fsync(descriptor) } }
            } catch {
                _ = try? directory.removeFile(temporary)
                throw error
            }
            do {
                try directory.rename(temporary, to: directory, as: name)
            } catch {
                _ = try? directory.removeFile(temporary)
                throw error
            }
        }
    }
}
