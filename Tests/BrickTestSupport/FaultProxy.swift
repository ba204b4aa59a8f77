import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A TCP proxy on 127.0.0.1 that injects faults between a client and a server (the
/// "faults on the wire" tests): each accepted connection is forwarded to the upstream
/// port, and the fault the plan gives for that connection's index strikes at a byte
/// offset. Faults are counted by kind in `applied`.
public final class FaultProxy: @unchecked Sendable {
    /// What happens to one connection.
    public enum Fault: Sendable, Hashable, CustomStringConvertible {
        /// Forwarded untouched.
        case none
        /// Both sides closed (FIN) once this many bytes went from server to client.
        case cut(afterBytes: Int)
        /// Both sides reset (RST, SO_LINGER 0) once this many bytes went from server to
        /// client; within the first few KB this lands in the TLS handshake.
        case reset(afterBytes: Int)
        /// Nothing more is forwarded, either way, once this many bytes went from server
        /// to client; the connection stays open until the client gives up (its read
        /// timeout) and closes it.
        case stall(afterBytes: Int)
        /// Both sides closed once this many bytes went from client to server (a command
        /// or an APPEND literal cut in the middle).
        case cutUpstream(afterBytes: Int)

        /// A short name of the kind, for counting.
        public var kind: String {
            switch self {
            case .none: return "none"
            case .cut: return "cut"
            case .reset: return "reset"
            case .stall: return "stall"
            case .cutUpstream: return "cut-upstream"
            }
        }

        public var description: String {
            switch self {
            case .none: return "none"
            case .cut(let n): return "cut@\(n)"
            case .reset(let n): return "reset@\(n)"
            case .stall(let n): return "stall@\(n)"
            case .cutUpstream(let n): return "cut-upstream@\(n)"
            }
        }
    }

    /// The port clients connect to.
    public let port: Int
    private let listener: Int32
    private let upstreamPort: Int
    private let plan: @Sendable (Int) -> Fault
    private let lock = NSLock()
    private var connections = 0
    private var faults: [Fault] = []

    /// Listens on a free port of 127.0.0.1 and forwards to `upstreamPort` there;
    /// `plan` gives the fault of the n-th connection (from 0).
    public init(upstreamPort: Int, plan: @escaping @Sendable (Int) -> Fault) throws {
        self.upstreamPort = upstreamPort
        self.plan = plan
        let (listener, port) = try LoopbackListener.open()
        self.listener = listener
        self.port = port
        let listening = listener
        Thread { [weak self] in
            while true {
                let client = accept(listening, nil, nil)
                guard client >= 0 else { return }
                guard let self else {
                    close(client)
                    return
                }
                let fault = self.lock.withLock { () -> Fault in
                    let fault = self.plan(self.connections)
                    self.connections += 1
                    self.faults.append(fault)
                    return fault
                }
                let upstream = upstreamPort
                Thread { FaultProxy.relay(client: client, upstreamPort: upstream, fault: fault) }.start()
            }
        }.start()
    }

    deinit {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    /// The faults dealt so far, one per connection, in order.
    public var applied: [Fault] { lock.withLock { faults } }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        return address
    }

    /// Forwards both ways until either side closes or the fault strikes.
    private static func relay(client: Int32, upstreamPort: Int, fault: Fault) {
        let server = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = loopback(port: upstreamPort)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(server, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        defer {
            close(server)
            close(client)
        }
        guard connected == 0 else { return }
        var down = 0
        var up = 0
        var buffer = [UInt8](repeating: 0, count: 16 << 10)
        var stalled = false
        while true {
            var fds = [pollfd(fd: client, events: Int16(POLLIN), revents: 0), pollfd(fd: server, events: Int16(stalled ? 0 : POLLIN), revents: 0)]
            guard poll(&fds, 2, -1) > 0 else { return }
            if fds[0].revents != 0 {
                let count = read(client, &buffer, buffer.count)
                guard count > 0 else { return }
                if stalled { continue }
                var allowed = count
                if case .cutUpstream(let limit) = fault { allowed = max(0, min(count, limit - up)) }
                guard writeAll(server, buffer, allowed) else { return }
                up += allowed
                if allowed < count { return }
            }
            if !stalled && fds[1].revents != 0 {
                let count = read(server, &buffer, buffer.count)
                guard count > 0 else { return }
                var limit = Int.max
                switch fault {
                case .cut(let n), .reset(let n), .stall(let n): limit = n
                default: break
                }
                let allowed = max(0, min(count, limit - down))
                guard writeAll(client, buffer, allowed) else { return }
                down += allowed
                if allowed < count {
                    switch fault {
                    case .reset:
                        var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
                        setsockopt(client, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
                        setsockopt(server, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
                        return
                    case .stall:
                        stalled = true
                    default:
                        return
                    }
                }
            }
        }
    }

    private static func writeAll(_ descriptor: Int32, _ buffer: [UInt8], _ count: Int) -> Bool {
        var offset = 0
        while offset < count {
            let written = buffer[offset..<count].withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard written > 0 else { return false }
            offset += written
        }
        return true
    }
}

/// SplitMix64: a small, seedable generator, so a failing run can be replayed by its seed.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// Creates a generator; the same seed gives the same sequence.
    public init(seed: UInt64) {
        state = seed
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
