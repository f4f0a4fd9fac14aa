import Foundation
import Synchronization

/// Finds a block of UDP ports nobody holds right now, for peers that need fixed ports
/// (Kamailio, baresip). Our range overlaps the kernel's ephemeral range, so a fixed port can be
/// taken by any socket bound to port 0; checking first makes a clash unlikely.
enum FreePorts {
    private static let handedOut = Mutex<Set<Int>>([])

    /// `count` consecutive free ports inside 44800–44999 not handed out before in this process.
    static func block(_ count: Int) -> ClosedRange<Int> {
        handedOut.withLock { taken in
            var start = 44_800
            while start + count - 1 <= 44_999 {
                let range = start...(start + count - 1)
                if range.allSatisfy({ !taken.contains($0) && isFree($0) }) {
                    taken.formUnion(range)
                    return range
                }
                start += 1
            }
            return 44_800...(44_800 + count - 1)
        }
    }

    private static func isFree(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}
