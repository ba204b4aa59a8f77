import ArgumentParser
import Foundation
import Logging

/// Plain log lines on standard error: `2026-11-23T02:00:01Z warning user=alice folder=INBOX message`.
/// Metadata never carries credentials: the commands put none there.
struct StderrLogHandler: LogHandler {
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]
    private let progress: ProgressDisplay?

    init(level: Logger.Level, progress: ProgressDisplay?) {
        self.logLevel = level
        self.progress = progress
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        let fields = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\(Self.quote("\($0.value)"))" }
        let time = ISO8601DateFormatter().string(from: Date())
        let line = ([time, "\(event.level)"] + fields + ["\(event.message)"]).joined(separator: " ")
        if let progress {
            progress.printAbove(line)
        } else {
            Terminal.printError(line)
        }
    }

    private static func quote(_ value: String) -> String {
        value.contains(" ") || value.isEmpty ? "\"\(value)\"" : value
    }
}

/// Makes the logger every command uses.
enum CommandLogging {
    static func logger(level: Logger.Level, progress: ProgressDisplay? = nil) -> Logger {
        Logger(label: "brick") { _ in StderrLogHandler(level: level, progress: progress) }
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
