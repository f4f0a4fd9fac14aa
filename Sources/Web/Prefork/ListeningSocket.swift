import Foundation

/// The TCP socket the master binds once and every worker accepts on.
///
/// It is non-blocking (the flag lives on the shared open file description, so workers can poll
/// and accept without one stealing a connection from another blocking them) and sits on a high
/// descriptor with close-on-exec, so only the explicit `dup2` in `WorkerSpawner` hands it on.
struct ListeningSocket {
    let descriptor: Int32
    let port: Int

    /// Binds `host:port` (port 0 picks a free one) with a backlog of 1024.
    static func bind(host: String, port: Int) throws -> ListeningSocket {
        var hints = addrinfo()
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_family = AF_UNSPEC
        var result: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &result)
        guard status == 0, let info = result else {
            throw PreforkError.resolve(host: host, reason: String(cString: gai_strerror(status)))
        }
        defer { freeaddrinfo(info) }
        let fd = socket(info.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw PreforkError.socket(call: "socket", errno: errno) }
        var on: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<Int32>.size))
        guard Glibc.bind(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 else {
            let code = errno
            close(fd)
            throw PreforkError.socket(call: "bind \(host):\(port)", errno: code)
        }
        guard listen(fd, 1024) == 0 else {
            let code = errno
            close(fd)
            throw PreforkError.socket(call: "listen", errno: code)
        }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        let high = try Self.moveHigh(fd)
        return ListeningSocket(descriptor: high, port: Self.boundPort(high) ?? port)
    }

    /// Moves `fd` to a descriptor ≥ 100 with close-on-exec, so `dup2(fd, 3)` in a child is never a no-op.
    static func moveHigh(_ fd: Int32) throws -> Int32 {
        let high = fcntl(fd, F_DUPFD_CLOEXEC, 100)
        guard high >= 0 else { throw PreforkError.socket(call: "fcntl(F_DUPFD_CLOEXEC)", errno: errno) }
        close(fd)
        return high
    }

    static func boundPort(_ fd: Int32) -> Int? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let ok = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) == 0 }
        }
        guard ok else { return nil }
        switch Int32(storage.ss_family) {
        case AF_INET:
            return withUnsafePointer(to: &storage) { $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin_port)) } }
        case AF_INET6:
            return withUnsafePointer(to: &storage) { $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin6_port)) } }
        default:
            return nil
        }
    }
}
