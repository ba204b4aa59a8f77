import ArgumentParser
import BrickSite
import Foundation
import Logging

/// Log lines on standard error, as text — `2026-11-23T02:00:01Z warning user=alice
/// folder=INBOX message` — or as one JSON object a line for journald or Loki —
/// `{"event":"message","folder":"INBOX","level":"warning","time":"…","user":"alice"}`,
/// counts as numbers. Metadata never carries credentials: the commands put none there.
struct StderrLogHandler: LogHandler {
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]
    private let format: LogFormat
    private let progress: ProgressDisplay?

    init(level: Logger.Level, format: LogFormat = .text, progress: ProgressDisplay?) {
        self.logLevel = level
        self.format = format
        self.progress = progress
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        let time = ISO8601DateFormatter().string(from: Date())
        let line: String
        switch format {
        case .text:
            let fields = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\(Self.quote("\($0.value)"))" }
            line = ([time, "\(event.level)"] + fields + ["\(event.message)"]).joined(separator: " ")
        case .json:
            line = Self.json(time: time, level: event.level, message: "\(event.message)", metadata: merged)
        }
        if let progress {
            progress.printAbove(line)
        } else {
            Terminal.printError(line)
        }
    }

    /// One JSON object: `time`, `level`, `event` (the message) and the metadata.
    static func json(time: String, level: Logger.Level, message: String, metadata: Logger.Metadata) -> String {
        var object: [String: Any] = [:]
        for (key, value) in metadata { object[key] = jsonValue(value) }
        object["time"] = time
        object["level"] = level.rawValue
        object["event"] = message
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    private static func jsonValue(_ value: Logger.Metadata.Value) -> Any {
        switch value {
        case .string(let text): return text
        case .stringConvertible(let convertible):
            switch convertible {
            case let number as Int: return number
            case let number as Int64: return number
            case let number as Double: return number
            default: return convertible.description
            }
        case .array(let values): return values.map(jsonValue)
        case .dictionary(let values): return values.mapValues(jsonValue)
        }
    }

    private static func quote(_ value: String) -> String {
        value.contains(" ") || value.isEmpty ? "\"\(value)\"" : value
    }
}

/// Makes the logger every command uses.
enum CommandLogging {
    static func logger(level: Logger.Level, format: LogFormat = .text, progress: ProgressDisplay? = nil) -> Logger {
        Logger(label: "brick") { _ in StderrLogHandler(level: level, format: format, progress: progress) }
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
