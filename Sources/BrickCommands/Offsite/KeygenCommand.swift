import ArgumentParser
import BrickBundle
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `brick-backup keygen --out FILE`: a key pair for encrypted bundles.
struct KeygenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen",
        abstract: "Make a key pair for encrypted off-site bundles.",
        discussion: """
            Writes the private key (the identity) to FILE, mode 0600, and the public key to \
            FILE.pub, and prints the public key. Export needs only the public key \
            (--encrypt-to FILE.pub or the printed text); keep FILE away from the backup host: \
            import and bundles verify --identity FILE read the bundles with it. Existing files \
            are never overwritten.

            \(BrickExit.helpText)
            """)

    @Option(name: .long, help: ArgumentHelp("Where to write the private key (FILE.pub gets the public key).", valueName: "FILE"))
    var out: String

    func run() async throws {
        let identity = BundleIdentity.generate()
        let recipient = identity.recipient
        let comment = "# Brick bundle key \(recipient.keyIDText), made \(ISO8601DateFormatter().string(from: Date()))\n"
        try Self.create(out, mode: 0o600, contents: comment + "# public key: \(recipient.text)\n" + identity.text + "\n")
        try Self.create(out + ".pub", mode: 0o644, contents: comment + recipient.text + "\n")
        Terminal.write("key id \(recipient.keyIDText)\npublic key \(recipient.text)\nprivate key written to \(out) (mode 0600); public key to \(out).pub\n")
    }

    /// Creates `path` exclusively (never through a link, never over a file) with exactly
    /// `mode`, whatever the umask.
    static func create(_ path: String, mode: mode_t, contents: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
        guard fd >= 0 else { throw UsageError("cannot create \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        let bytes = Array(contents.utf8)
        guard fchmod(fd, mode) == 0 else { throw UsageError("cannot set the mode of \(path): \(String(cString: strerror(errno)))") }
        guard write(fd, bytes, bytes.count) == bytes.count, fsync(fd) == 0 else {
            throw UsageError("cannot write \(path): \(String(cString: strerror(errno)))")
        }
    }
}
