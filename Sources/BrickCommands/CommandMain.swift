import ArgumentParser
import BrickStore
import Foundation

/// Runs a root command the way both tools do: parse errors and usage errors exit with
/// code 2 (not argument-parser's 64), other failures print one clear line.
enum CommandMain {
    static func run<Command: AsyncParsableCommand>(_ type: Command.Type, toolName: String) async -> Never {
        umask(0o077)
        SQLiteProcessSettings.apply()
        do {
            var command = try type.parseAsRoot()
            StoreKeySecrets.loadWhenNeeded()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            exit(BrickExit.success.rawValue)
        } catch let exitCode as ExitCode {
            exit(exitCode.rawValue)
        } catch let error as CommandFailure {
            exit(error.exit.rawValue)
        } catch {
            let code = type.exitCode(for: error)
            if code == .success {
                print(type.fullMessage(for: error))
                exit(0)
            }
            if error is UsageError || code == .validationFailure || error is ValidationError {
                Terminal.printError("\(toolName): \(type.fullMessage(for: error))")
                exit(BrickExit.usage.rawValue)
            }
            Terminal.printError("\(toolName): error: \(error)")
            exit(BrickExit.forError(error).rawValue)
        }
    }
}

/// Ends a command with a given exit code after it has reported what went wrong.
struct CommandFailure: Error {
    var exit: BrickExit
}
