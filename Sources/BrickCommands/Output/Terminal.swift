import Foundation

/// What the process writes to: whether stdout/stderr are terminals, and plain writes.
enum Terminal {
    /// True when standard output is a terminal.
    static var stdoutIsTTY: Bool { isatty(STDOUT_FILENO) == 1 }
    /// True when standard error is a terminal.
    static var stderrIsTTY: Bool { isatty(STDERR_FILENO) == 1 }

    /// The terminal's width in columns, 100 when unknown.
    static var width: Int {
        var size = winsize()
        if ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0 && size.ws_col > 0 { return Int(size.ws_col) }
        return 100
    }

    private static let lock = NSLock()

    /// Writes a line to standard error.
    static func printError(_ line: String) {
        writeError(line + "\n")
    }

    /// Writes text to standard error unbuffered.
    static func writeError(_ text: String) {
        lock.withLock { FileHandle.standardError.write(Data(text.utf8)) }
    }

    /// Writes text to standard output unbuffered.
    static func write(_ text: String) {
        lock.withLock { FileHandle.standardOutput.write(Data(text.utf8)) }
    }
}
