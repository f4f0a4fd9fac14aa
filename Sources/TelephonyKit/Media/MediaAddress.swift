import Glibc

/// A media peer's IP address and port in the form the socket calls use, compared without
/// allocating (every received datagram is checked against the negotiated peer).
struct MediaAddress: Equatable, Sendable, CustomStringConvertible {
    /// AF_INET or AF_INET6.
    let family: sa_family_t
    /// The port (host byte order).
    let port: UInt16
    /// IPv4: the address in the low 32 bits of `high` (network byte order); IPv6: the 16 bytes.
    private let high: UInt64
    private let low: UInt64
    private let scope: UInt32

    /// An IPv4 or IPv6 literal and a port; nil for anything else.
    init?(ipAddress: String, port: Int) {
        guard (0...65_535).contains(port) else { return nil }
        self.port = UInt16(port)
        var v4 = in_addr()
        var v6 = in6_addr()
        if inet_pton(AF_INET, ipAddress, &v4) == 1 {
            family = sa_family_t(AF_INET)
            high = UInt64(v4.s_addr)
            low = 0
            scope = 0
        } else if inet_pton(AF_INET6, ipAddress, &v6) == 1 {
            family = sa_family_t(AF_INET6)
            (high, low) = withUnsafeBytes(of: v6) { ($0.loadUnaligned(fromByteOffset: 0, as: UInt64.self), $0.loadUnaligned(fromByteOffset: 8, as: UInt64.self)) }
            scope = 0
        } else {
            return nil
        }
    }

    /// The source address a receive call filled in.
    init(storage: sockaddr_storage, length: socklen_t) {
        var storage = storage
        switch Int32(storage.ss_family) {
        case AF_INET:
            let address = withUnsafeBytes(of: &storage) { $0.loadUnaligned(as: sockaddr_in.self) }
            family = sa_family_t(AF_INET)
            port = UInt16(bigEndian: address.sin_port)
            high = UInt64(address.sin_addr.s_addr)
            low = 0
            scope = 0
        case AF_INET6:
            let address = withUnsafeBytes(of: &storage) { $0.loadUnaligned(as: sockaddr_in6.self) }
            family = sa_family_t(AF_INET6)
            port = UInt16(bigEndian: address.sin6_port)
            (high, low) = withUnsafeBytes(of: address.sin6_addr) { ($0.loadUnaligned(fromByteOffset: 0, as: UInt64.self), $0.loadUnaligned(fromByteOffset: 8, as: UInt64.self)) }
            scope = address.sin6_scope_id
        default:
            family = storage.ss_family
            port = 0
            high = 0
            low = 0
            scope = 0
        }
    }

    /// Calls `body` with a `sockaddr` for this address and its length.
    func withSocketAddress<Result>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> Result) -> Result {
        if family == sa_family_t(AF_INET) {
            var address = sockaddr_in()
            address.sin_family = family
            address.sin_port = port.bigEndian
            address.sin_addr.s_addr = UInt32(truncatingIfNeeded: high)
            return withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
        }
        var address = sockaddr_in6()
        address.sin6_family = family
        address.sin6_port = port.bigEndian
        address.sin6_scope_id = scope
        withUnsafeMutableBytes(of: &address.sin6_addr) {
            $0.storeBytes(of: high, toByteOffset: 0, as: UInt64.self)
            $0.storeBytes(of: low, toByteOffset: 8, as: UInt64.self)
        }
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_in6>.size)) }
        }
    }

    /// The address as text (for logs).
    var description: String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let text: String = withSocketAddress { pointer, _ in
            if family == sa_family_t(AF_INET) {
                var address = in_addr(s_addr: UInt32(truncatingIfNeeded: high))
                inet_ntop(AF_INET, &address, &buffer, socklen_t(buffer.count))
            } else {
                var address = pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee.sin6_addr }
                inet_ntop(AF_INET6, &address, &buffer, socklen_t(buffer.count))
            }
            return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
        return family == sa_family_t(AF_INET6) ? "[\(text)]:\(port)" : "\(text):\(port)"
    }
}
