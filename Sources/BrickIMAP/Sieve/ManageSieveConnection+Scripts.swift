/// The script commands of RFC 5804 §2.4–2.9.
extension ManageSieveConnection {
    /// The scripts, with whether each is the active one.
    func listScripts() async throws(IMAPError) -> [(name: String, active: Bool)] {
        let response = try await send(Array("LISTSCRIPTS\r\n".utf8))
        try check(response, command: "LISTSCRIPTS")
        return response.lines.compactMap { line -> (name: String, active: Bool)? in
            guard case .string(let name)? = line.first else { return nil }
            let active = line.dropFirst().contains { $0.text.uppercased() == "ACTIVE" }
            return (String(decoding: name, as: UTF8.self), active)
        }
    }

    /// The content of each named script, byte for byte, one pipelined GETSCRIPT each.
    func getScripts(_ names: [String]) async throws(IMAPError) -> [String: [UInt8]] {
        let commands = names.map { Array("GETSCRIPT ".utf8) + SieveArgument.encode($0) + Array("\r\n".utf8) }
        let responses = try await pipeline(commands)
        var scripts: [String: [UInt8]] = [:]
        for (name, response) in zip(names, responses) {
            try check(response, command: "GETSCRIPT", name: name)
            guard case .string(let content)? = response.lines.first?.first else {
                throw .missingData(host: host, mailbox: nil, detail: "GETSCRIPT \"\(name)\" answered without the script")
            }
            scripts[name] = content
        }
        return scripts
    }

    /// Stores a script (it is checked by the server, which may refuse it); the
    /// response tells whether it landed.
    func putScript(_ name: String, _ content: [UInt8]) async throws(IMAPError) -> SieveResponse {
        let bytes = Array("{\(content.count)+}\r\n".utf8) + content
        return try await send(Array("PUTSCRIPT ".utf8) + SieveArgument.encode(name) + Array(" ".utf8) + bytes + Array("\r\n".utf8))
    }

    /// Makes `name` the active script.
    func setActive(_ name: String) async throws(IMAPError) {
        try check(try await send(Array("SETACTIVE ".utf8) + SieveArgument.encode(name) + Array("\r\n".utf8)), command: "SETACTIVE", name: name)
    }
}
