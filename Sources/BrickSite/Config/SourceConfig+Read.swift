import BrickCore

import TOMLKit

/// Reading a `[sources.NAME]` table, each wrong value one located problem.
extension SourceConfig {
    static func read(name: String, _ reader: inout TableReader, _ found: inout [(String, String)]) -> SourceConfig? {
        guard let url = reader.string("url", &found) else {
            if reader.value("url") == nil { found.append((reader.keyPath("url"), "missing: maildir:PATH, imap://HOST or imaps://HOST")) }
            return nil
        }
        var source = SourceConfig(name: name, url: url)
        if url.hasPrefix("maildir:") {
            if url.count == "maildir:".count { found.append((reader.keyPath("url"), "maildir: needs a path, e.g. maildir:/var/vmail/{user}/Maildir")) }
        } else if !source.isIMAP {
            found.append((reader.keyPath("url"), "must start with maildir:, imap:// or imaps:// (is \"\(URLUserInfo.redacted(url))\")"))
        }
        source.tls = reader.choice("tls", ["starttls", "never"], &found)
        source.caFile = reader.string("ca-file", &found)
        source.insecure = reader.bool("insecure", &found)
        source.adminUser = reader.string("admin-user", &found)
        source.passwordFile = reader.string("password-file", &found)
        source.passwordEnv = reader.string("password-env", &found)
        source.auth = reader.choice("auth", ["auto", "plain", "login"], &found)
        source.timeout = reader.number("timeout", &found)
        if let timeout = source.timeout, !(timeout > 0) { found.append((reader.keyPath("timeout"), "must be a positive number of seconds")) }
        if let size = reader.string("max-message-size", &found) {
            source.maxMessageSize = SizeText.bytes(size)
            if source.maxMessageSize == nil { found.append((reader.keyPath("max-message-size"), "must be a size such as 2G or 512M (is \"\(size)\")")) }
        }
        source.dav = reader.string("dav", &found)
        if let dav = source.dav, !(dav.hasPrefix("http://") || dav.hasPrefix("https://")) {
            found.append((reader.keyPath("dav"), "must start with http:// or https:// (is \"\(URLUserInfo.redacted(dav))\")"))
        }
        source.davUser = reader.string("dav-user", &found)
        source.davPasswordFile = reader.string("dav-password-file", &found)
        source.davPasswordEnv = reader.string("dav-password-env", &found)
        source.davAuthorizeAs = reader.bool("dav-authorize-as", &found)
        if source.davAuthorizeAs == true && source.davUser == nil {
            found.append((reader.keyPath("dav-authorize-as"), "needs dav-user, the admin that acts for each user"))
        }
        if source.passwordFile != nil && source.passwordEnv != nil {
            found.append((reader.keyPath("password-env"), "give password-file or password-env, not both"))
        }
        if !source.isIMAP {
            for key in ["tls", "ca-file", "insecure", "admin-user", "password-file", "password-env", "auth", "timeout"] where reader.table[key] != nil {
                found.append((reader.keyPath(key), "only IMAP sources take \(key)"))
            }
        }
        return source
    }
}
