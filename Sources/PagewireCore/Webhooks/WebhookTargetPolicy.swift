import Foundation
import NIOPosix
#if canImport(Glibc)
import Glibc
#endif

/// Why a webhook URL cannot be used.
public enum WebhookTargetError: Error, Equatable, CustomStringConvertible {
    case invalidURL(String)
    case unresolvable(String)
    /// The host resolves to loopback, private, link-local or otherwise internal addresses.
    case privateTarget(host: String, address: String)

    public var description: String {
        switch self {
        case .invalidURL(let why): "the webhook URL is not usable: \(why)"
        case .unresolvable(let host): "the webhook host \(host) does not resolve"
        case .privateTarget(let host, let address): "the webhook host \(host) resolves to \(address), a loopback or private address"
        }
    }
}

/// Where webhooks may go: http(s) URLs whose host resolves only to public addresses, unless the
/// operator allows private targets (`webhooks.allow_private_targets`). The delivery connects to
/// the address checked here (libcurl's resolve pin), so DNS cannot swap it afterwards.
public enum WebhookTargetPolicy {
    /// A checked target: the URL's host and port and the address to connect to.
    public struct Target: Sendable, Equatable {
        public var host: String
        public var port: Int
        public var address: String
    }

    /// Checks the URL's form only (scheme, host, no credentials); no DNS.
    public static func parse(_ text: String) throws -> (host: String, port: Int) {
        guard text.count <= 2000, let url = URLComponents(string: text), let scheme = url.scheme?.lowercased(),
              scheme == "http" || scheme == "https" else { throw WebhookTargetError.invalidURL("use an http or https URL") }
        guard let host = url.host, !host.isEmpty else { throw WebhookTargetError.invalidURL("it has no host") }
        guard url.user == nil, url.password == nil else { throw WebhookTargetError.invalidURL("credentials in the URL are not allowed") }
        let bare = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
        return (bare, url.port ?? (scheme == "https" ? 443 : 80))
    }

    /// Resolves the URL's host and refuses internal addresses unless `allowPrivate`.
    public static func check(_ text: String, allowPrivate: Bool) async throws -> Target {
        let (host, port) = try parse(text)
        let addresses = try await NIOThreadPool.singleton.runIfActive { try resolve(host) }
        guard let first = addresses.first else { throw WebhookTargetError.unresolvable(host) }
        if !allowPrivate, let blocked = addresses.first(where: isPrivate) {
            throw WebhookTargetError.privateTarget(host: host, address: blocked)
        }
        return Target(host: host, port: port, address: first)
    }

    /// The addresses `host` resolves to, as text.
    static func resolve(_ host: String) throws -> [String] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &result) == 0 else { throw WebhookTargetError.unresolvable(host) }
        defer { freeaddrinfo(result) }
        var addresses: [String] = []
        var cursor = result
        while let info = cursor {
            var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
            if info.pointee.ai_family == AF_INET {
                var address = info.pointee.ai_addr.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr }
                inet_ntop(AF_INET, &address, &buffer, socklen_t(buffer.count))
            } else if info.pointee.ai_family == AF_INET6 {
                var address = info.pointee.ai_addr.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee.sin6_addr }
                inet_ntop(AF_INET6, &address, &buffer, socklen_t(buffer.count))
            }
            let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if !text.isEmpty && !addresses.contains(text) { addresses.append(text) }
            cursor = info.pointee.ai_next
        }
        return addresses
    }

    /// Loopback, private (RFC 1918, ULA), link-local, CGNAT, unspecified, multicast and reserved.
    public static func isPrivate(_ address: String) -> Bool {
        var v4 = in_addr()
        if inet_pton(AF_INET, address, &v4) == 1 { return isPrivateV4(UInt32(bigEndian: v4.s_addr)) }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, address, &v6) == 1 else { return true }
        let b = withUnsafeBytes(of: &v6) { Array($0) }
        if b[0..<10].allSatisfy({ $0 == 0 }) && b[10] == 0xFF && b[11] == 0xFF {  // ::ffff:a.b.c.d
            return isPrivateV4(UInt32(b[12]) << 24 | UInt32(b[13]) << 16 | UInt32(b[14]) << 8 | UInt32(b[15]))
        }
        if b[0..<15].allSatisfy({ $0 == 0 }) && (b[15] == 0 || b[15] == 1) { return true }  // :: and ::1
        if b[0] & 0xFE == 0xFC { return true }  // fc00::/7
        if b[0] == 0xFE && b[1] & 0xC0 == 0x80 { return true }  // fe80::/10
        if b[0] == 0xFF { return true }  // multicast
        return false
    }

    private static func isPrivateV4(_ a: UInt32) -> Bool {
        func inRange(_ base: UInt32, _ bits: UInt32) -> Bool { a >> (32 - bits) == base >> (32 - bits) }
        return inRange(0x0000_0000, 8) || inRange(0x0A00_0000, 8) || inRange(0x6440_0000, 10) || inRange(0x7F00_0000, 8)
            || inRange(0xA9FE_0000, 16) || inRange(0xAC10_0000, 12) || inRange(0xC000_0000, 24) || inRange(0xC0A8_0000, 16)
            || inRange(0xC612_0000, 15) || a >= 0xE000_0000
    }
}
