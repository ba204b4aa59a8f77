import Foundation

/// `promtool check metrics` (Debian `prometheus`, installed by tools/setup-debian) on a
/// Prometheus text file.
public enum Promtool {
    /// Where promtool is, nil when it is not installed.
    public static var path: String? {
        ["/usr/bin/promtool", "/usr/local/bin/promtool"].first(where: FileManager.default.isExecutableFile(atPath:))
    }

    /// Runs the check on the file at `metricsFile`: whether it passed and what promtool
    /// said; nil when promtool is not installed.
    public static func check(_ metricsFile: String) throws -> (passed: Bool, said: String)? {
        guard let path else { return nil }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["check", "metrics"]
        process.standardInput = FileHandle(forReadingAtPath: metricsFile)
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let said = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus == 0, said)
    }
}
