import Foundation

/// Runs the built executables and captures what they print.
enum Tools {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The package's build directory (beside the test bundle).
    static var binDirectory: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    }

    /// Runs `brick-backup` or `brick-restore` with `arguments`, in `directory` when given.
    @discardableResult
    static func run(_ tool: String, _ arguments: [String], environment: [String: String] = [:], directory: URL? = nil) throws -> Result {
        try runProgram(binDirectory.appendingPathComponent(tool).path, arguments, environment: environment, directory: directory)
    }

    /// Runs any program (`nm`, `db5.3_verify`, `curl`) with `arguments` and no input,
    /// in `directory` when given, with `environment` added to the test's; both output
    /// pipes are read at once, so neither fills and blocks the child.
    @discardableResult
    static func runProgram(_ path: String, _ arguments: [String], environment: [String: String] = [:], directory: URL? = nil) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { $1 }
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let collected = ErrorCollector(err.fileHandleForReading)
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = collected.wait()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }

    /// Runs `tool` as `run` does, under `/usr/bin/time`, and returns its peak
    /// resident memory (`ru_maxrss`) in KiB too.
    static func runMeasured(_ tool: String, _ arguments: [String]) throws -> (result: Result, maxResidentKiB: Int) {
        let report = FileManager.default.temporaryDirectory.appendingPathComponent("brick-time-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: report) }
        let result = try runProgram("/usr/bin/time", ["-f", "%M", "-o", report.path, binDirectory.appendingPathComponent(tool).path] + arguments)
        let text = (try? String(contentsOf: report, encoding: .utf8)) ?? ""
        let kib = text.split(separator: "\n").last.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) } ?? Int.max
        return (result, kib)
    }

    /// Reads a pipe to its end on another thread, so neither pipe fills and blocks the child.
    final class ErrorCollector: @unchecked Sendable {
        private var data = Data()
        private let done = DispatchSemaphore(value: 0)

        init(_ handle: FileHandle) {
            DispatchQueue.global().async {
                self.data = handle.readDataToEndOfFile()
                self.done.signal()
            }
        }

        func wait() -> Data {
            done.wait()
            return data
        }
    }

    /// The package root (for Fixtures/).
    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }
}

/// A scratch directory with a copy of the fixture Maildirs, message mtimes set from
/// their names (Git does not keep file times).
final class Workspace {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("brick-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Tools.packageRoot.appendingPathComponent("Fixtures/maildir"), to: maildirs)
        try Workspace.setTimesFromNames(maildirs)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    var maildirs: URL { url.appendingPathComponent("maildir") }
    var store: URL { url.appendingPathComponent("store") }
    var source: String { "maildir:\(maildirs.path)/{user}/Maildir" }

    func maildir(_ user: String) -> URL { maildirs.appendingPathComponent(user).appendingPathComponent("Maildir") }

    /// Message files of a user's Maildir (all folders).
    func messageFiles(_ user: String) -> [URL] {
        let root = maildir(user)
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else { return [] }
        return walker.compactMap { $0 as? URL }.filter {
            let parent = $0.deletingLastPathComponent().lastPathComponent
            return (parent == "cur" || parent == "new") && !$0.lastPathComponent.hasPrefix(".")
        }
    }

    static func setTimesFromNames(_ root: URL) throws {
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else { return }
        for case let file as URL in walker {
            let name = file.lastPathComponent
            guard let seconds = Double(name.prefix { $0.isNumber }), seconds > 0 else { continue }
            try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: seconds)], ofItemAtPath: file.path)
        }
    }
}

/// Decodes `index --format json` output.
struct IndexedItem: Decodable {
    var key: String
    var folder: String
    var from: String?
    var subject: String?
    var size: Int
    var flags: [String]
    var deleted: String?
    var received: String?
    var sha256: String?
}

func index(_ userDirectory: URL, _ extra: [String] = []) throws -> [IndexedItem] {
    let result = try Tools.run("brick-backup", ["index", userDirectory.path, "--format", "json"] + extra)
    guard result.status == 0 else { throw IndexFailed(status: result.status, stderr: result.stderr) }
    return try JSONDecoder().decode([IndexedItem].self, from: Data(result.stdout.utf8))
}

struct IndexFailed: Error {
    var status: Int32
    var stderr: String
}
