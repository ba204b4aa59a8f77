import Foundation

/// One series of the metrics file: a name, labels and a value.
public struct MetricSample: Sendable, Hashable {
    /// The metric name.
    public var name: String
    /// The labels.
    public var labels: [String: String]
    /// The value.
    public var value: Double

    /// Creates a sample.
    public init(name: String, labels: [String: String], value: Double) {
        self.name = name
        self.labels = labels
        self.value = value
    }

    /// The run kind the name belongs to.
    var kind: RunMetrics.Kind? { RunMetrics.Kind.allCases.first { name.hasPrefix("brick_\($0.rawValue)_") } }

    /// `{group="staff",user="alice"}`, labels sorted by name.
    var labelText: String {
        guard !labels.isEmpty else { return "" }
        return "{" + labels.sorted { $0.key < $1.key }.map { "\($0.key)=\"\(Self.escape($0.value))\"" }.joined(separator: ",") + "}"
    }

    /// The exposition line.
    var line: String {
        let number = value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
        return name + labelText + " " + number
    }

    private static func escape(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }

    /// The samples of an exposition text that are Brick's own (other lines are dropped).
    public static func parseAll(_ text: String) -> [MetricSample] {
        text.split(separator: "\n").compactMap { parse(String($0)) }.filter { $0.kind != nil }
    }

    /// Parses one sample line, `name{labels} value`; nil for comments and malformed lines.
    public static func parse(_ line: String) -> MetricSample? {
        guard !line.hasPrefix("#"), let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { return nil }
        let series = line[..<space]
        guard let brace = series.firstIndex(of: "{") else { return MetricSample(name: String(series), labels: [:], value: value) }
        guard series.hasSuffix("}") else { return nil }
        var labels: [String: String] = [:]
        var rest = series[series.index(after: brace)..<series.index(before: series.endIndex)]
        while !rest.isEmpty {
            guard let equals = rest.firstIndex(of: "="), rest[rest.index(after: equals)...].first == "\"" else { return nil }
            let key = String(rest[..<equals])
            var index = rest.index(equals, offsetBy: 2)
            var text = ""
            while index < rest.endIndex && rest[index] != "\"" {
                if rest[index] == "\\", rest.index(after: index) < rest.endIndex {
                    index = rest.index(after: index)
                    text.append(rest[index] == "n" ? "\n" : rest[index])
                } else {
                    text.append(rest[index])
                }
                index = rest.index(after: index)
            }
            guard index < rest.endIndex else { return nil }
            labels[key] = text
            rest = rest[rest.index(after: index)...]
            if rest.first == "," { rest = rest.dropFirst() }
        }
        return MetricSample(name: String(series[..<brace]), labels: labels, value: value)
    }
}
