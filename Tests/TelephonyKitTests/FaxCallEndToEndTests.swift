import FaxEngine
import Foundation
import PagewireCore
import SIP
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

/// Calls that go wrong, or get interfered with, on loopback.
@Suite("Fax calls under stress")
struct FaxCallStressTests {
    @Test("Garbage and foreign packets on every media port are dropped; the fax still arrives")
    func foreignMediaDropped() async throws {
        // setup
        let harness = try await TelephonyHarness.start()
        let document = try harness.document(pages: 1)
        let intruder = try await RawUDPPeer(group: harness.group)
        let ports = harness.pagewire.ports.range
        // act
        async let report = harness.pagewire.sendFax(harness.request(to: SimulatorBehaviour.fax.number, document: document, t38: .never))
        for round in 0..<30 {
            try await Task.sleep(for: .milliseconds(100))
            for port in ports {
                let fake = RTPPacket(payloadType: 0, sequenceNumber: UInt16(round), timestamp: 0, ssrc: 99, payload: [UInt8](repeating: 0x55, count: 160))
                try await intruder.send(round % 2 == 0 ? fake.bytes : [0xFF, 0x00, 0x13], to: port)
            }
        }
        let result = await report
        let record = await harness.simulator.nextRecord()
        // check
        #expect(result.resultCode == .ok, "\(result) simulator: \(record.report)")
        #expect((result.media?.dropped ?? 0) > 0)
        let received = try #require(record.receivedFile)
        #expect(try FaxTIFF.readPages(received) == FaxTIFF.readPages(document))
        await intruder.close()
        await harness.shutdown()
    }

    @Test("The far end hangs up mid-page: transmission failed here, a partial fax there, nothing left open")
    func dropMidPage() async throws {
        // setup
        let harness = try await TelephonyHarness.start()
        let document = try harness.document(pages: 4, height: 1_100)
        // act
        let report = await harness.pagewire.sendFax(harness.request(to: SimulatorBehaviour.dropMidPage.number, document: document))
        let record = await harness.simulator.nextRecord()
        // check
        #expect(report.resultCode == .transmissionFailed, "\(report)")
        #expect((report.statistics?.pages ?? 0) < 4)
        #expect(record.report.resultCode != .ok)
        let dialogs = try await harness.pagewire.loop.submit { harness.pagewire.agent.dialogCount }.get()
        #expect(dialogs == 0)
        await harness.shutdown()
    }

    @Test("Session-timer re-INVITEs during T.38 are answered without cutting the fax")
    func sessionRefreshDuringT38() async throws {
        // setup
        let harness = try await TelephonyHarness.start()
        let document = try harness.document(pages: 2)
        // act
        let report = await harness.pagewire.sendFax(harness.request(to: SimulatorBehaviour.faxT38SessionRefresh.number, document: document))
        let record = await harness.simulator.nextRecord()
        // check
        #expect(report.resultCode == .ok, "\(report)")
        #expect(report.usedT38)
        #expect(record.report.sessionRefreshes >= 1)
        let received = try #require(record.receivedFile)
        #expect(try FaxTIFF.readPages(received) == FaxTIFF.readPages(document))
        await harness.shutdown()
    }

    @Test("A fax machine without ECM receives the fax over G.711")
    func withoutECM() async throws {
        let harness = try await TelephonyHarness.start()
        let document = try harness.document(pages: 1)
        let report = await harness.pagewire.sendFax(harness.request(to: SimulatorBehaviour.faxNoECM.number, document: document, t38: .never))
        let record = await harness.simulator.nextRecord()
        #expect(report.resultCode == .ok, "\(report) simulator: \(record.report)")
        #expect(report.statistics?.ecm == false)
        #expect(record.report.resultCode == .ok)
        await harness.shutdown()
    }

    @Test("Cancel mid-call: the call ends as cancelled and the far end sees the hang-up")
    func cancelMidCall() async throws {
        // setup
        let harness = try await TelephonyHarness.start()
        let document = try harness.document(pages: 3, height: 1_100)
        let cancellation = FaxCallCancellation()
        // act
        async let report = harness.pagewire.sendFax(harness.request(to: SimulatorBehaviour.fax.number, document: document, t38: .never), cancel: cancellation)
        try await Task.sleep(for: .seconds(8))
        cancellation.cancel()
        let result = await report
        let record = await harness.simulator.nextRecord()
        // check
        #expect(result.resultCode == .cancelled, "\(result)")
        #expect(record.report.resultCode != .ok)
        await harness.shutdown()
    }
}

/// A person answers instead of a fax machine.
@Suite("Voice answer")
struct VoiceAnswerTests {
    @Test("A voice answer ends the call as not_a_fax_machine (no fax tones ever heard) and hangs up")
    func voice() async throws {
        // setup
        let harness = try await TelephonyHarness.start()
        // act
        let report = await harness.pagewire.sendFax(harness.request(to: SimulatorBehaviour.voice.number, document: try harness.document(pages: 1), t38: .never))
        let record = await harness.simulator.nextRecord()
        // check
        #expect([ResultCode.notAFaxMachine, .voiceAnswer].contains(report.resultCode), "\(report)")
        #expect(report.sipStatus == 200)
        #expect(record.report.resultCode == .voiceAnswer)
        #expect((report.media?.rtpReceived ?? 0) > 100)
        await harness.shutdown()
    }
}
