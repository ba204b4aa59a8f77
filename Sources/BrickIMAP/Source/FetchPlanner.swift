/// Cuts the messages to fetch into batches of about `byteLimit` bytes (by RFC822.SIZE),
/// in UID order. A message larger than the limit travels alone.
struct FetchPlanner {
    /// Bytes of message data per batch.
    var byteLimit: Int
    /// Messages per batch, so that the UID set in the command stays short.
    var countLimit: Int = 1_000

    /// Batches of UIDs from `(uid, size)` pairs.
    func batches(_ messages: [(uid: UInt32, size: Int)]) -> [[UInt32]] {
        var batches: [[UInt32]] = []
        var current: [UInt32] = []
        var bytes = 0
        for message in messages.sorted(by: { $0.uid < $1.uid }) {
            if !current.isEmpty && (bytes + message.size > byteLimit || current.count >= countLimit) {
                batches.append(current)
                current = []
                bytes = 0
            }
            current.append(message.uid)
            bytes += message.size
        }
        if !current.isEmpty { batches.append(current) }
        return batches
    }
}
