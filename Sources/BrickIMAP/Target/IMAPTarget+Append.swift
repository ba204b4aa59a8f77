extension IMAPTarget {
    /// Appends messages to the mailbox `name` group by group; one result per message.
    func append(_ messages: [AppendMessage], to name: String, on connection: IMAPConnection) async -> [(any Error)?] {
        let multi = await connection.capabilities.contains("MULTIAPPEND")
        var results: [(any Error)?] = []
        for group in groups(messages) {
            let slice = Array(messages[group])
            if multi && slice.count > 1 {
                let command = Command.multiAppend(mailbox: name, messages: slice)
                switch await connection.pipeline([command])[0] {
                case .success(let completion) where completion.isOK:
                    results += Array(repeating: nil, count: slice.count)
                    continue
                case .success:
                    break
                case .failure(let error):
                    results += Array(repeating: error, count: slice.count)
                    continue
                }
            }
            results += await appendOneByOne(slice, to: name, on: connection)
        }
        return results
    }

    /// Pipelined single APPENDs.
    private func appendOneByOne(_ messages: [AppendMessage], to name: String, on connection: IMAPConnection) async -> [(any Error)?] {
        let commands = messages.map { Command.append(mailbox: name, message: $0) }
        var results: [(any Error)?] = []
        for (command, result) in zip(commands, await connection.pipeline(commands)) {
            switch result {
            case .success(let completion):
                do {
                    try await connection.check(completion, command)
                    results.append(nil)
                } catch {
                    results.append(error)
                }
            case .failure(let error):
                results.append(error)
            }
        }
        return results
    }

    /// Index ranges of at most `appendWindowBytes` (one larger message alone) and
    /// `appendWindowCount` messages.
    private func groups(_ messages: [AppendMessage]) -> [Range<Int>] {
        var groups: [Range<Int>] = []
        var start = 0
        while start < messages.count {
            var end = start
            var bytes = 0
            while end < messages.count, end - start < options.appendWindowCount,
                  end == start || bytes + messages[end].data.count <= options.appendWindowBytes
            {
                bytes += messages[end].data.count
                end += 1
            }
            groups.append(start..<end)
            start = end
        }
        return groups
    }
}
