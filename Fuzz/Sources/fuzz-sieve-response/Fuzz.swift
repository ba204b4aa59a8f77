/// libFuzzer entry: the input is bytes from a ManageSieve server; its first byte picks
/// the size of the reads they arrive in. They are cut into responses as the connection's
/// handler cuts them (after each read, parse from the first byte not yet taken until a
/// response is incomplete or the bytes cannot be one, where the connection ends).
/// Checked: every response takes at least one byte, and the responses, whether the
/// stream ends in an error and, when it does not, how many bytes wait for more are
/// those of the same bytes arriving in one read.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSieveResponse(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    guard let first = input.first else { return 0 }
    let stream = Array(input.dropFirst())
    let readSize = Int(first % 64) + 1
    var reads: [ArraySlice<UInt8>] = []
    var offset = 0
    while offset < stream.count {
        reads.append(stream[offset..<min(offset + readSize, stream.count)])
        offset += readSize
    }
    let split = SieveStream.cut(reads)
    let whole = SieveStream.cut([stream[...]])
    precondition(split == whole, "responses cut from reads of \(readSize) bytes differ from those of one read")
    return 0
}

/// What the handler makes of a stream of reads.
struct SieveStream: Equatable {
    var responses: [SieveResponse] = []
    var failed = false
    /// Bytes received and not yet taken by a response (0 after an error).
    var leftOver = 0

    static func cut(_ reads: [ArraySlice<UInt8>]) -> SieveStream {
        var result = SieveStream()
        var received: [UInt8] = []
        for read in reads {
            received += read
            do {
                while let parsed = try SieveResponseParser.parse(received[...]) {
                    precondition(parsed.length > 0, "a response that takes no byte")
                    received.removeFirst(parsed.length)
                    result.responses.append(parsed.response)
                }
            } catch {
                result.failed = true
                return result
            }
        }
        result.leftOver = received.count
        return result
    }
}
