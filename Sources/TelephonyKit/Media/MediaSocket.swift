import Glibc

/// A non-blocking UDP socket for one media stream (RTP or UDPTL), read and written by the media
/// clock's tick instead of by readiness events.
///
/// Media is periodic: every call sends one packet per 20 ms and consumes one per 20 ms. With a
/// readiness-driven socket (an event-loop channel) every arriving datagram woke the process
/// through epoll and went through a channel pipeline, so at a few hundred calls each process
/// woke thousands of times per tick period and spent most of its CPU there. Polled at the tick,
/// a call costs one `recvfrom` that empties its socket and one `sendto`, and the process wakes
/// once per 20 ms; the datagrams wait in the kernel's socket buffer meanwhile, which adds at
/// most one packet time to the jitter buffer's 60 ms. Confined to its call's event loop.
final class MediaSocket {
    /// The bound port.
    let port: Int
    private var descriptor: Int32
    private let family: sa_family_t

    /// Largest datagram read; longer ones are dropped as oversized.
    static let maximumDatagram = 2_048

    private init(descriptor: Int32, port: Int, family: sa_family_t) {
        self.descriptor = descriptor
        self.port = port
        self.family = family
    }

    deinit { close() }

    /// Binds a socket on `host` (an IPv4 or IPv6 literal) and `port`.
    static func bind(host: String, port: Int, receiveBufferSize: Int) throws(MediaSocketError) -> MediaSocket {
        guard let address = MediaAddress(ipAddress: host, port: port) else { throw .badAddress(host) }
        let family = address.family
        let descriptor = socket(Int32(family), Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw .system("socket", errno) }
        var size = Int32(receiveBufferSize)
        _ = setsockopt(descriptor, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        let bound = address.withSocketAddress { Glibc.bind(descriptor, $0, $1) }
        guard bound == 0 else {
            let error = errno
            _ = Glibc.close(descriptor)
            throw .system("bind", error)
        }
        return MediaSocket(descriptor: descriptor, port: port, family: family)
    }

    /// Closes the socket (idempotent).
    func close() {
        guard descriptor >= 0 else { return }
        _ = Glibc.close(descriptor)
        descriptor = -1
    }

    /// Reads every datagram waiting (at most `limit`), handing each to `body` with its source.
    /// Oversized datagrams are handed over as nil bytes. Returns how many were read.
    @discardableResult
    func receiveAll(limit: Int = 64, into scratch: UnsafeMutableRawBufferPointer,
                    _ body: (UnsafeRawBufferPointer?, MediaAddress) -> Void) -> Int {
        guard descriptor >= 0 else { return 0 }
        var count = 0
        var storage = sockaddr_storage()
        while count < limit {
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let received = withUnsafeMutablePointer(to: &storage) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    recvfrom(descriptor, scratch.baseAddress, scratch.count, Int32(MSG_TRUNC), $0, &length)
                }
            }
            guard received >= 0 else { break }  // EAGAIN: empty; anything else: nothing to read now either
            count += 1
            let source = MediaAddress(storage: storage, length: length)
            body(received > scratch.count ? nil : UnsafeRawBufferPointer(rebasing: scratch[0..<received]), source)
        }
        return count
    }

    /// Sends one datagram to `peer`; false when the kernel refused it (buffer full, unreachable).
    @discardableResult
    func send(_ bytes: UnsafeRawBufferPointer, to peer: MediaAddress) -> Bool {
        guard descriptor >= 0 else { return false }
        let sent = peer.withSocketAddress { sendto(descriptor, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL), $0, $1) }
        return sent == bytes.count
    }

    /// Sends one datagram to `peer`.
    @discardableResult
    func send(_ bytes: [UInt8], to peer: MediaAddress) -> Bool {
        bytes.withUnsafeBytes { send($0, to: peer) }
    }
}

/// Media socket failures.
enum MediaSocketError: Error, Sendable {
    /// The host is not an IP literal.
    case badAddress(String)
    /// A system call failed with this errno.
    case system(String, Int32)
}
