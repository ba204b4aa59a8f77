import ArgumentParser
import BrickBundle
import Foundation

/// `--encrypt-to` and `--identity`: the public keys bundles are encrypted for, and the
/// private keys that open them (docs/FORMAT.md §9). Private keys are only ever named by
/// file, never given on the command line.
enum BundleKeyOptions {
    /// Each value is a public key's text form or a file holding one (as `keygen` writes
    /// `FILE.pub`); `option` names where they came from in messages.
    static func recipients(_ values: [String], option: String = "--encrypt-to") throws -> [BundleRecipient] {
        try values.map { value in
            let text: String
            if value.hasPrefix("brick-public-") {
                text = value
            } else {
                guard let contents = try? String(contentsOfFile: value, encoding: .utf8) else {
                    throw UsageError("\(option) \(value): neither a public key (brick-public-…) nor a readable file")
                }
                text = firstKeyLine(contents)
            }
            do {
                return try BundleRecipient(text: text)
            } catch {
                throw UsageError("\(option) \(value): \(error)")
            }
        }
    }

    /// Reads identity files: each refused when group or others may read it.
    static func identities(_ paths: [String]) throws -> [BundleIdentity] {
        try paths.map { path in
            try PrivateFile.checkMode(path, option: "--identity")
            guard let contents = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw UsageError("cannot read --identity \(path)")
            }
            do {
                return try BundleIdentity(text: contents)
            } catch {
                throw UsageError("--identity \(path): \(error)")
            }
        }
    }

    private static func firstKeyLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .first { !$0.isEmpty && !$0.hasPrefix("#") } ?? ""
    }
}
