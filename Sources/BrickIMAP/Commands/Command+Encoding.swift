import Foundation

extension Command {
    /// Encodes the command with `tag`, using non-synchronizing literals where the
    /// server's capabilities allow them.
    func encode(tag: String, capabilities: Capabilities) -> EncodedCommand {
        var out = EncodedCommand()
        out.append(tag + " ")
        switch self {
        case .capability, .noop, .logout, .namespace, .unselect, .close, .expunge:
            out.append(name)
        case .startTLS:
            out.append("STARTTLS")
        case .id(let fields):
            out.append("ID " + IDEncoder.encode(fields))
        case .enable(let names):
            out.append("ENABLE " + names.joined(separator: " "))
        case .login(let user, let password):
            out.append("LOGIN ")
            appendAString(user, to: &out, capabilities: capabilities)
            out.append(" ")
            appendAString(password, to: &out, capabilities: capabilities)
        case .authenticatePlain(let response, let initialResponse):
            if initialResponse {
                out.append("AUTHENTICATE PLAIN " + (response.isEmpty ? "=" : response))
            } else {
                out.append("AUTHENTICATE PLAIN\r\n")
                out.appendAfterContinuation(response)
            }
        case .list(let pattern, let returnOptions):
            out.append("LIST \"\" " + QuotedString.encode(pattern))
            if let returnOptions { out.append(" RETURN (\(returnOptions))") }
        case .status(let mailbox, let items):
            out.append("STATUS \(MailboxName.argument(mailbox)) (\(items.joined(separator: " ")))")
        case .select(let mailbox, let readOnly, let parameters):
            out.append("\(readOnly ? "EXAMINE" : "SELECT") \(MailboxName.argument(mailbox))")
            switch parameters {
            case .none: break
            case .condStore: out.append(" (CONDSTORE)")
            case .qresync(let validity, let modSeq): out.append(" (QRESYNC (\(validity) \(modSeq)))")
            }
        case .create(let mailbox, let specialUse):
            out.append("CREATE \(MailboxName.argument(mailbox))")
            if let specialUse { out.append(" (USE (\(specialUse)))") }
        case .delete(let mailbox):
            out.append("DELETE \(MailboxName.argument(mailbox))")
        case .rename(let from, let to):
            out.append("RENAME \(MailboxName.argument(from)) \(MailboxName.argument(to))")
        case .subscribe(let mailbox):
            out.append("SUBSCRIBE \(MailboxName.argument(mailbox))")
        case .listSubscribed(let pattern):
            out.append("LIST (SUBSCRIBED) \"\" " + QuotedString.encode(pattern))
        case .lsub(let pattern):
            out.append("LSUB \"\" " + QuotedString.encode(pattern))
        case .getACL(let mailbox):
            out.append("GETACL \(MailboxName.argument(mailbox))")
        case .myRights(let mailbox):
            out.append("MYRIGHTS \(MailboxName.argument(mailbox))")
        case .setACL(let mailbox, let identifier, let rights):
            out.append("SETACL \(MailboxName.argument(mailbox)) ")
            appendAString(identifier, to: &out, capabilities: capabilities)
            out.append(" ")
            appendAString(rights, to: &out, capabilities: capabilities)
        case .getMetadata(let mailbox, let entries):
            out.append("GETMETADATA (DEPTH infinity) \(MailboxName.argument(mailbox)) (")
            for (index, entry) in entries.enumerated() {
                if index > 0 { out.append(" ") }
                appendAString(entry, to: &out, capabilities: capabilities)
            }
            out.append(")")
        case .setMetadata(let mailbox, let entry, let value):
            out.append("SETMETADATA \(MailboxName.argument(mailbox)) (")
            appendAString(entry, to: &out, capabilities: capabilities)
            if let value {
                out.append(" ")
                let binary = value.contains(0) && capabilities.contains("BINARY")
                out.appendLiteral(value, synchronizing: !capabilities.allowsNonSynchronizingLiteral(ofSize: value.count), binary: binary)
            } else {
                out.append(" NIL")
            }
            out.append(")")
        case .uidFetch(let set, let items, let modifiers):
            out.append("UID FETCH \(set) (\(items))")
            if let modifiers { out.append(" (\(modifiers))") }
        case .fetch(let set, let items):
            out.append("FETCH \(set) (\(items))")
        case .uidStore(let set, let action, let flags):
            out.append("UID STORE \(set) \(action) (\(flags.joined(separator: " ")))")
        case .uidExpunge(let set):
            out.append("UID EXPUNGE \(set)")
        case .append(let mailbox, let message):
            out.append("APPEND \(MailboxName.argument(mailbox))")
            appendMessage(message, to: &out, capabilities: capabilities)
        case .multiAppend(let mailbox, let messages):
            out.append("APPEND \(MailboxName.argument(mailbox))")
            for message in messages { appendMessage(message, to: &out, capabilities: capabilities) }
        }
        out.append("\r\n")
        return out
    }

    /// ` [(flags)] ["date"] literal` of one APPEND message.
    private func appendMessage(_ message: AppendMessage, to out: inout EncodedCommand, capabilities: Capabilities) {
        if !message.flags.isEmpty { out.append(" (\(message.flags.joined(separator: " ")))") }
        if let date = message.internalDate { out.append(" \"\(InternalDate.format(date))\"") }
        out.append(" ")
        let binary = message.data.contains(0) && capabilities.contains("BINARY")
        out.appendLiteral(
            message.data,
            synchronizing: !capabilities.allowsNonSynchronizingLiteral(ofSize: message.data.count),
            binary: binary)
    }

    private func appendAString(_ text: String, to out: inout EncodedCommand, capabilities: Capabilities) {
        if QuotedString.isQuotable(text) {
            out.append(QuotedString.encode(text))
        } else {
            let bytes = Array(text.utf8)
            out.appendLiteral(bytes, synchronizing: !capabilities.allowsNonSynchronizingLiteral(ofSize: bytes.count))
        }
    }
}
