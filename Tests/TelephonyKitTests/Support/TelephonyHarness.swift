import FaxEngine
import Foundation
import Logging
import NIOCore
import NIOPosix
import TelephonyKit

/// A Pagewire endpoint and a carrier simulator on loopback, each on its own event loop, with
/// media ports from this suite's range (41000–44799; each harness takes its own slice of 200).
struct TelephonyHarness {
    let group: MultiThreadedEventLoopGroup
    let pagewire: TelephonyEndpoint
    let simulator: CarrierSimulator
    let directory: URL

    private static let slices = SliceCounter()

    static func start(_ name: String = #function) async throws -> TelephonyHarness {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        var logger = Logger(label: "telephony-test")
        logger.logLevel = .warning
        let slice = slices.next()
        let base = 41_000 + slice * 200
        let loops = Array(group.makeIterator())
        let pagewire = try await TelephonyEndpoint.start(
            configuration: .init(sip: .init(host: "127.0.0.1", port: 0, contactUser: "pagewire"), mediaPorts: base...(base + 99)),
            on: loops[0], logger: logger)
        let simulatorEndpoint = try await TelephonyEndpoint.start(
            configuration: .init(sip: .init(host: "127.0.0.1", port: 0, contactUser: "simulator", product: "Pagewire simulator"),
                                 mediaPorts: (base + 100)...(base + 199)),
            on: loops[1], logger: logger)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pagewire-telephony-\(name.filter(\.isLetter).prefix(30))-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let simulator = try await CarrierSimulator.start(endpoint: simulatorEndpoint, spool: directory.appendingPathComponent("spool"), logger: logger)
        return TelephonyHarness(group: group, pagewire: pagewire, simulator: simulator, directory: directory)
    }

    /// Writes a document of `pages` deterministic pages and returns its path.
    func document(pages: Int, height: Int = 200) throws -> URL {
        let url = directory.appendingPathComponent("send.tif")
        try FaxTIFF.write((1...pages).map { TestFaxPages.page(number: $0, height: height) }, to: url)
        return url
    }

    /// An outgoing request to a simulator number.
    func request(to number: String, document: URL, t38: T38Policy = T38Policy()) -> OutboundFaxRequest {
        OutboundFaxRequest(destination: number, trunkHost: "127.0.0.1", trunkPort: simulator.port, callerID: "+15551230001",
                           document: document, t38: t38)
    }

    func shutdown() async {
        await pagewire.close()
        await simulator.endpoint.close()
        try? await group.shutdownGracefully()
        try? FileManager.default.removeItem(at: directory)
    }
}

/// Hands out port slices so harnesses running in parallel never share media ports.
final class SliceCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func next() -> Int {
        lock.lock()
        defer { lock.unlock() }
        defer { value = (value + 1) % 19 }  // 41000–44799; 44800–44999 stay for fixed-port peers (FreePorts)
        return value
    }
}

/// Deterministic text-like fax pages.
enum TestFaxPages {
    static func page(number: Int, height: Int) -> FaxPage {
        var page = FaxPage(width: 1728, height: height, xDPI: 204, yDPI: 196)
        var seed = UInt32(truncatingIfNeeded: 2_654_435_761 &* UInt32(number + 1))
        func next() -> UInt32 { seed ^= seed << 13; seed ^= seed >> 17; seed ^= seed << 5; return seed }
        for x in 0..<page.width { page[x, 0] = true; page[x, height - 1] = true }
        for y in 0..<height { page[0, y] = true; page[page.width - 1, y] = true }
        var y = 20
        while y + 16 < height - 10 {
            var x = 40
            while x + 10 < page.width - 40 {
                if next() % 5 != 0 {
                    let glyph = next()
                    for gy in 0..<14 { for gx in 0..<8 where (glyph >> UInt32((gx + gy) % 32)) & 1 == 1 { page[x + gx, y + gy] = true } }
                }
                x += 11
            }
            y += 24
        }
        return page
    }
}
