import Foundation
import PagewireCore
import Testing
import TelephonyKit

/// Simulator numbers that refuse or never answer give the result code users know.
@Suite("SIP failures to result codes")
struct SIPFailureTests {
    @Test("Each refusing simulator number maps to its result code", arguments: [
        (SimulatorBehaviour.busy, 486, ResultCode.busy),
        (.busyEverywhere, 600, .busy),
        (.congestion, 503, .fastBusy),
        (.notFound, 404, .invalidNumber),
        (.addressIncomplete, 484, .invalidNumber),
        (.doesNotExist, 604, .invalidNumber),
        (.unavailable, 480, .noAnswer),
    ])
    func refusals(behaviour: SimulatorBehaviour, status: Int, result: ResultCode) async throws {
        // setup
        let harness = try await TelephonyHarness.start()
        let document = try harness.document(pages: 1)
        // act
        let report = await harness.pagewire.sendFax(harness.request(to: behaviour.number, document: document))
        // check
        #expect(report.sipStatus == status)
        #expect(report.resultCode == result)
        await harness.shutdown()
    }

    @Test("A number outside the plan is an invalid number")
    func unknownNumber() async throws {
        let harness = try await TelephonyHarness.start()
        let report = await harness.pagewire.sendFax(harness.request(to: "+15559999", document: try harness.document(pages: 1)))
        #expect(report.sipStatus == 404 && report.resultCode == .invalidNumber)
        await harness.shutdown()
    }

    @Test("No answer: we cancel after the no-answer time and report no_answer; the simulator saw the CANCEL")
    func noAnswer() async throws {
        // setup
        let harness = try await TelephonyHarness.start()
        var request = harness.request(to: SimulatorBehaviour.noAnswer.number, document: try harness.document(pages: 1))
        request.noAnswerTimeout = .seconds(2)
        // act
        let report = await harness.pagewire.sendFax(request)
        let record = await harness.simulator.nextRecord()
        // check
        #expect(report.resultCode == .noAnswer)
        #expect(report.sipStatus == 487)
        #expect(record.report.sipStatus == 487)
        await harness.shutdown()
    }

    @Test("Cancel while ringing ends the call as cancelled")
    func cancelWhileRinging() async throws {
        // setup
        let harness = try await TelephonyHarness.start()
        let request = harness.request(to: SimulatorBehaviour.noAnswer.number, document: try harness.document(pages: 1))
        let cancellation = FaxCallCancellation()
        // act
        async let report = harness.pagewire.sendFax(request, cancel: cancellation)
        try await Task.sleep(for: .milliseconds(500))
        cancellation.cancel()
        let result = await report
        // check
        #expect(result.resultCode == .cancelled)
        await harness.shutdown()
    }

    @Test("Status mapping table")
    func mapping() {
        #expect(SIPFailureMapping.resultCode(forStatus: 486) == .busy)
        #expect(SIPFailureMapping.resultCode(forStatus: 600) == .busy)
        #expect(SIPFailureMapping.resultCode(forStatus: 503) == .fastBusy)
        #expect(SIPFailureMapping.resultCode(forStatus: 404) == .invalidNumber)
        #expect(SIPFailureMapping.resultCode(forStatus: 484) == .invalidNumber)
        #expect(SIPFailureMapping.resultCode(forStatus: 604) == .invalidNumber)
        #expect(SIPFailureMapping.resultCode(forStatus: 408) == .noAnswer)
        #expect(SIPFailureMapping.resultCode(forStatus: 480) == .noAnswer)
        #expect(SIPFailureMapping.shouldFailOver(status: 500) && SIPFailureMapping.shouldFailOver(status: nil) && !SIPFailureMapping.shouldFailOver(status: 486))
    }
}
