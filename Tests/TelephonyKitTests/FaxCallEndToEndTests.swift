import FaxEngine
import Foundation
import PagewireCore
import Testing
import TelephonyKit

/// Real fax calls on loopback between a Pagewire endpoint and the carrier simulator: SIP over
/// UDP, RTP/G.711 or UDPTL/T.38 paced in real time, SpanDSP at both ends.
@Suite("Fax calls end to end")
struct FaxCallEndToEndTests {
    @Test("G.711: a two-page fax to a fax machine that refuses T.38 arrives page for page")
    func g711() async throws {
        // setup
        let harness = try await TelephonyHarness.start()
        let document = try harness.document(pages: 2)
        // act
        let report = await harness.pagewire.sendFax(harness.request(to: SimulatorBehaviour.faxRefusingT38.number, document: document, t38: .never))
        let record = await harness.simulator.nextRecord()
        // check
        #expect(report.resultCode == .ok, "\(report)")
        #expect(report.sipStatus == 200)
        #expect(report.statistics?.pages == 2)
        #expect(!report.usedT38)
        #expect(record.report.resultCode == .ok)
        let received = try #require(record.receivedFile)
        #expect(try FaxTIFF.readPages(received) == FaxTIFF.readPages(document))
        #expect((report.media?.rtpSent ?? 0) > 100)
        await harness.shutdown()
    }

    @Test("T.38: our re-INVITE is accepted and the fax goes over UDPTL")
    func t38() async throws {
        // setup
        let harness = try await TelephonyHarness.start()
        let document = try harness.document(pages: 2)
        // act
        let report = await harness.pagewire.sendFax(harness.request(to: SimulatorBehaviour.faxT38.number, document: document,
                                                                    t38: T38Policy(accept: true, request: true)))
        let record = await harness.simulator.nextRecord()
        // check
        #expect(report.resultCode == .ok, "\(report)")
        #expect(report.usedT38 && report.t38 == .negotiated)
        #expect(record.report.usedT38)
        #expect(report.statistics?.pages == 2)
        #expect((report.media?.udptlSent ?? 0) > 0)
        let received = try #require(record.receivedFile)
        #expect(try FaxTIFF.readPages(received) == FaxTIFF.readPages(document))
        await harness.shutdown()
    }

    @Test("T.38 refused with 488: the call stays on G.711 and the fax completes")
    func t38Refused() async throws {
        // setup
        let harness = try await TelephonyHarness.start()
        let document = try harness.document(pages: 2)
        // act
        let report = await harness.pagewire.sendFax(harness.request(to: SimulatorBehaviour.faxRefusingT38.number, document: document,
                                                                    t38: T38Policy(accept: true, request: true)))
        let record = await harness.simulator.nextRecord()
        // check
        #expect(report.resultCode == .ok, "\(report)")
        #expect(!report.usedT38 && report.t38 == .refused)
        #expect(record.report.resultCode == .ok)
        let received = try #require(record.receivedFile)
        #expect(try FaxTIFF.readPages(received) == FaxTIFF.readPages(document))
        await harness.shutdown()
    }

    @Test("The far end's re-INVITE to T.38 is accepted")
    func t38FromFarEnd() async throws {
        // setup
        let harness = try await TelephonyHarness.start()
        let document = try harness.document(pages: 1)
        // act
        let report = await harness.pagewire.sendFax(harness.request(to: SimulatorBehaviour.faxT38Requesting.number, document: document))
        let record = await harness.simulator.nextRecord()
        // check
        #expect(report.resultCode == .ok, "\(report)")
        #expect(report.usedT38 && record.report.usedT38)
        let received = try #require(record.receivedFile)
        #expect(try FaxTIFF.readPages(received) == FaxTIFF.readPages(document))
        await harness.shutdown()
    }
}
