import Foundation
import Testing

/// `promtool check metrics` on a metrics file, when promtool is installed (Debian
/// `prometheus`, installed by tools/setup-debian); without it the check is skipped
/// with a note.
enum Promtool {
    static func check(_ path: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        guard let promtool = ["/usr/bin/promtool", "/usr/local/bin/promtool"].first(where: FileManager.default.isExecutableFile(atPath:)) else {
            print("promtool not installed: \(path) was not checked by it")
            return
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: promtool)
        process.arguments = ["check", "metrics"]
        process.standardInput = FileHandle(forReadingAtPath: path)
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let said = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "promtool check metrics \(path): \(said)", sourceLocation: sourceLocation)
    }
}
