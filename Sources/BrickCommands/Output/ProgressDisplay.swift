import Foundation

/// A one-line progress bar on standard error, redrawn a few times a second from a
/// `line` closure; log lines are printed above it. Shown only on a terminal (or when
/// forced); otherwise it prints nothing and logs go straight through.
final class ProgressDisplay: @unchecked Sendable {
    /// When to show progress.
    enum Mode: String, CaseIterable, Sendable {
        case auto, always, never

        /// True when a bar should be drawn.
        var isEnabled: Bool {
            switch self {
            case .always: return true
            case .never: return false
            case .auto: return Terminal.stderrIsTTY
            }
        }
    }

    private let line: @Sendable () -> String
    private let lock = NSLock()
    private var timer: DispatchSourceTimer?
    private var lastWidth = 0

    /// Starts drawing `line()` every 0.25 s.
    init(line: @escaping @Sendable () -> String) {
        self.line = line
        let timer = DispatchSource.makeTimerSource(queue: .global())
        timer.schedule(deadline: .now(), repeating: .milliseconds(250))
        timer.setEventHandler { [weak self] in self?.redraw() }
        timer.resume()
        self.timer = timer
    }

    /// Prints `text` on its own line above the bar.
    func printAbove(_ text: String) {
        lock.withLock {
            Terminal.writeError("\r\u{1B}[K" + text + "\n")
            lastWidth = 0
        }
        redraw()
    }

    /// Stops and erases the bar.
    func finish() {
        timer?.cancel()
        timer = nil
        lock.withLock { Terminal.writeError("\r\u{1B}[K") }
    }

    private func redraw() {
        let text = Formatting.clip(line(), Terminal.width - 1)
        lock.withLock {
            Terminal.writeError("\r\u{1B}[K" + text)
            lastWidth = text.count
        }
    }
}
