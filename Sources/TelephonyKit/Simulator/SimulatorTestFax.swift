import FaxEngine
import Foundation
import NIOCore

/// "Send me a test fax": the carrier simulator calls one of the platform's numbers the way a
/// fax machine behind a carrier would (`pagewire-telephony simulate --call <number>`).
public struct SimulatorTestFax: Sendable {
    /// How the calling fax machine behaves.
    public enum Behaviour: String, Sendable, CaseIterable {
        /// G.711; accepts the platform's re-INVITE to T.38.
        case fax
        /// G.711 only: a carrier without T.38 (the platform's re-INVITE gets 488).
        case g711
        /// A T.38 gateway that asks for T.38 itself shortly after the answer.
        case t38
        /// G.711; hangs up two seconds into the second page, so the platform keeps a partial fax.
        case dropMidPage = "drop-mid-page"
    }

    /// The platform number to call (Request-URI user), e.g. `+12065550200`.
    public var number: String
    /// Pages to send (at least 2 for `dropMidPage`).
    public var pages: Int
    /// The calling machine's behaviour.
    public var behaviour: Behaviour
    /// The caller ID and TSI of the simulated sender.
    public var callerID: String

    /// Creates a test fax.
    public init(number: String, pages: Int = 1, behaviour: Behaviour = .fax, callerID: String = "+15550199") {
        self.number = number
        self.pages = behaviour == .dropMidPage ? max(2, pages) : max(1, pages)
        self.behaviour = behaviour
        self.callerID = callerID
    }

    /// The request that places this call toward the platform at `host:port`, sending `document`.
    public func request(host: String, port: Int, document: URL) -> OutboundFaxRequest {
        var request = OutboundFaxRequest(destination: number, trunkHost: host, trunkPort: port, callerID: callerID, document: document,
                                          localIdentifier: callerID, pageHeader: "Pagewire carrier simulator test fax",
                                          t38: T38Policy(accept: true, request: false), noAnswerTimeout: .seconds(30))
        switch behaviour {
        case .fax: break
        case .g711: request.t38 = .never
        case .t38: request.t38 = T38Policy(accept: true, request: true, requestDelay: .milliseconds(400))
        case .dropMidPage:
            request.t38 = .never
            request.hangUpAfterPages = 1
        }
        return request
    }

    /// Writes the test document: `pages` text-like pages (fine resolution) into `url`.
    public func writeDocument(to url: URL) throws {
        try FaxTIFF.write((1...pages).map { Self.page(number: $0) }, to: url)
    }

    /// One deterministic page: a frame, the page number as bars, and six lines of glyph-like
    /// marks — a few seconds on the line at 14,400 bit/s, long enough to hang up in the middle.
    static func page(number: Int, height: Int = 700) -> FaxPage {
        var page = FaxPage(width: 1728, height: height, xDPI: 204, yDPI: 196)
        var seed = UInt32(truncatingIfNeeded: 2_654_435_761 &* UInt32(number + 7))
        func next() -> UInt32 { seed ^= seed << 13; seed ^= seed >> 17; seed ^= seed << 5; return seed }
        for x in 0..<page.width { page[x, 0] = true; page[x, height - 1] = true }
        for y in 0..<height { page[0, y] = true; page[page.width - 1, y] = true }
        // The page number as solid bars at the top left: page 3 has three bars.
        for bar in 0..<min(number, 20) {
            for y in 20..<70 { for x in (40 + bar * 30)..<(60 + bar * 30) { page[x, y] = true } }
        }
        for line in 0..<6 {
            let top = 120 + line * 90
            guard top + 15 < height - 2 else { break }
            var x = 40
            while x + 10 < page.width - 40 {
                if next() % 3 == 0 {
                    let glyph = next()
                    // Rows repeat in threes, as letters do, which 2-D coding keeps small.
                    for gy in 0..<15 { for gx in 0..<8 where (glyph >> UInt32((gx + (gy / 3) * 8) % 32)) & 1 == 1 { page[x + gx, top + gy] = true } }
                }
                x += 11
            }
        }
        return page
    }
}

extension TelephonyEndpoint {
    /// Places the simulator's test fax toward the platform at `host:port` and returns how the call went.
    /// The document is written under `scratch` and removed afterwards.
    public func sendTestFax(_ fax: SimulatorTestFax, host: String, port: Int, scratch: URL) async throws -> FaxCallReport {
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        let document = scratch.appendingPathComponent("test-fax-\(UUID().uuidString.prefix(8)).tif")
        try fax.writeDocument(to: document)
        defer { try? FileManager.default.removeItem(at: document) }
        return await sendFax(fax.request(host: host, port: port, document: document))
    }
}
