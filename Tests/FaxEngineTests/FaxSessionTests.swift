import FaxEngine
import Foundation
import PagewireCore
import Testing

@Suite("FaxSession loopback")
struct FaxSessionTests {
    enum Modem: String, CaseIterable, Sendable {
        case v17, v29, v27ter
        var modems: FaxModems { switch self { case .v17: .v17; case .v29: .v29; case .v27ter: .v27ter } }
        var bitRate: Int { switch self { case .v17: 14_400; case .v29: 9_600; case .v27ter: 4_800 } }
    }

    static let transports: [FaxTransport] = [.audio, .t38(version: 0), .t38(version: 3)]

    /// Makes a sender/receiver pair over `transport` with a two-page document.
    static func pair(
        transport: FaxTransport, ecm: Bool, modems: FaxModems = .all, receiverResolutions: Set<FaxResolution>? = nil,
        pages: [FaxPage] = [TestPages.page(number: 1, height: 300), TestPages.page(number: 2, height: 200)],
        directory: URL
    ) throws -> (sender: FaxSession, receiver: FaxSession, sent: URL, received: URL) {
        let sent = directory.appendingPathComponent("sent.tif")
        let received = directory.appendingPathComponent("received.tif")
        try FaxTIFF.write(pages, to: sent)
        let sender = try FaxSession(
            configuration: .init(role: .send(document: sent), isCaller: true, localIdentifier: "+15551230001", ecm: ecm, modems: modems),
            transport: transport)
        let receiver = try FaxSession(
            configuration: .init(role: .receive(into: received), isCaller: false, localIdentifier: "+15551230002", ecm: ecm,
                                 modems: modems, resolutions: receiverResolutions ?? Set(FaxResolution.allCases)),
            transport: transport)
        return (sender, receiver, sent, received)
    }

    @Test("Every transport, ECM on and off, every modem: pages arrive pixel for pixel",
          arguments: transports, [true, false])
    func loopback(transport: FaxTransport, ecm: Bool) throws {
        for modem in Modem.allCases {
            // setup
            let directory = TestPages.scratchDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            let (sender, receiver, sent, received) = try Self.pair(transport: transport, ecm: ecm, modems: modem.modems, directory: directory)
            var loop = FaxLoopback(caller: sender, answerer: receiver, codec: ecm ? .pcmu : .pcma)
            // act
            loop.run()
            // check
            let sendOutcome = try #require(sender.outcome, "\(modem) sender never reached phase E")
            let receiveOutcome = try #require(receiver.outcome, "\(modem) receiver never reached phase E")
            #expect(sendOutcome.resultCode == .ok, "\(modem): \(sendOutcome.completionCode)")
            #expect(receiveOutcome.resultCode == .ok, "\(modem): \(receiveOutcome.completionCode)")
            #expect(sendOutcome.statistics.pages == 2)
            #expect(receiveOutcome.statistics.pages == 2)
            #expect(sendOutcome.statistics.bitRate == modem.bitRate)
            #expect(sendOutcome.statistics.ecm == ecm)
            #expect(sendOutcome.statistics.remoteIdentifier == "+15551230002")
            #expect(receiveOutcome.statistics.remoteIdentifier == "+15551230001")
            #expect(receiveOutcome.statistics.badRows == 0)
            #expect(try FaxTIFF.readPages(received) == FaxTIFF.readPages(sent), "\(modem): pages differ")
        }
    }

    @Test("Events follow the T.30 phases: B, D per page, then E", arguments: transports)
    func phases(transport: FaxTransport) async throws {
        // setup
        let directory = TestPages.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (sender, receiver, _, _) = try Self.pair(transport: transport, ecm: true, directory: directory)
        var loop = FaxLoopback(caller: sender, answerer: receiver)
        // act
        loop.run()
        var events: [FaxEvent] = []
        for await event in sender.events { events.append(event) }
        // check
        guard events.count == 4, case .negotiated(let b) = events[0], case .pageDone(let d1) = events[1],
              case .pageDone(let d2) = events[2], case .callDone(let e) = events[3]
        else { Issue.record("unexpected events \(events)"); return }
        #expect(b.bitRate == 14_400 && b.ecm)
        #expect(d1.pages == 1 && d2.pages == 2)
        #expect(e.resultCode == .ok && e.statistics.pagesInDocument == 2)
    }

    @Test("Page header line, maximum speed and PCMA payloads", arguments: transports)
    func headerAndSpeed(transport: FaxTransport) throws {
        // setup
        let directory = TestPages.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let sent = directory.appendingPathComponent("sent.tif")
        let received = directory.appendingPathComponent("received.tif")
        let page = FaxPage(height: 300)
        try FaxTIFF.write([page], to: sent)
        let sender = try FaxSession(
            configuration: .init(role: .send(document: sent), isCaller: true, localIdentifier: "+15551230001",
                                 pageHeader: "ACME CLINIC  +1 555 123 0001", maximumBitRate: 9_600),
            transport: transport)
        let receiver = try FaxSession(configuration: .init(role: .receive(into: received), isCaller: false), transport: transport)
        // act
        var ticks = 0
        while !(sender.isFinished && receiver.isFinished), ticks < 30_000 {
            switch transport {
            case .audio:
                let fromSender = sender.audioOutPayload(codec: .pcma)
                let fromReceiver = receiver.audioOutPayload(codec: .pcma)
                #expect(fromSender.count == 160)
                sender.audioIn(payload: fromReceiver, codec: .pcma)
                receiver.audioIn(payload: fromSender, codec: .pcma)
            case .t38:
                var loop = FaxLoopback(caller: sender, answerer: receiver)
                loop.step(.clear)
            }
            ticks += 1
        }
        // check
        #expect(sender.outcome?.resultCode == .ok)
        #expect(sender.outcome?.statistics.bitRate == 9_600)
        let arrived = try #require(try FaxTIFF.readPages(received).first)
        // the white page arrives with the header line printed across its top
        let headerInk = (0..<40).reduce(0) { sum, y in sum + (100..<1_600).filter { arrived[$0, y] }.count }
        #expect(headerInk > 500)
        #expect(page.blackPixels == 0)
    }

    @Test("Audio with lost packets filled in still delivers every page under ECM")
    func packetLoss() throws {
        // setup
        let directory = TestPages.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (sender, receiver, sent, received) = try Self.pair(transport: .audio, ecm: true, directory: directory)
        // act: a packet is lost now and then in each direction (about every 20 s)
        var tick = 0
        while !(sender.isFinished && receiver.isFinished), tick < 30_000 {
            let fromSender = sender.audioOutPayload(codec: .pcmu)
            let fromReceiver = receiver.audioOutPayload(codec: .pcmu)
            if tick % 997 == 700 { receiver.audioMissing(count: 160) } else { receiver.audioIn(payload: fromSender, codec: .pcmu) }
            if tick % 1009 == 800 { sender.audioMissing(count: 160) } else { sender.audioIn(payload: fromReceiver, codec: .pcmu) }
            tick += 1
        }
        // check
        #expect(sender.outcome?.resultCode == .ok, "\(String(describing: sender.outcome?.completionCode))")
        #expect(try FaxTIFF.readPages(received) == FaxTIFF.readPages(sent))
        // the losses fell inside the call and ECM repaired them by retransmission
        #expect(tick > 2_000)
        #expect((sender.outcome?.statistics.ecmRetries ?? 0) > 0)
    }

    @Test("A line that dies mid-page ends transmission_failed on both sides", arguments: transports)
    func cutMidPage(transport: FaxTransport) throws {
        // setup: one long page so the cut lands inside it
        let directory = TestPages.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let long = [TestPages.page(number: 7, height: 2_200, density: 1)]
        let (sender, receiver, _, received) = try Self.pair(transport: transport, ecm: false, pages: long, directory: directory)
        var loop = FaxLoopback(caller: sender, answerer: receiver)
        var cutAt: Int?
        // act: the line goes dead 10 s after DIS (training is over, the long page is under way)
        loop.run { tick in
            if cutAt == nil, sender.hasNegotiated { cutAt = tick + 500 }
            return tick >= (cutAt ?? .max) ? .dead : .clear
        }
        // check
        #expect(cutAt != nil)
        #expect(sender.outcome?.resultCode == .transmissionFailed, "\(String(describing: sender.outcome?.completionCode))")
        #expect(receiver.outcome?.resultCode == .transmissionFailed, "\(String(describing: receiver.outcome?.completionCode))")
        #expect(sender.outcome?.statistics.pages == 0)
        #expect((try? FaxTIFF.readPages(received))?.count ?? 0 == 0)
    }

    @Test("Hanging up mid-page ends transmission_failed", arguments: transports)
    func hangUpMidPage(transport: FaxTransport) throws {
        // setup
        let directory = TestPages.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let long = [TestPages.page(number: 8, height: 2_200, density: 1)]
        let (sender, receiver, _, _) = try Self.pair(transport: transport, ecm: true, pages: long, directory: directory)
        var negotiatedAt: Int?
        var loop = FaxLoopback(caller: sender, answerer: receiver)
        // act
        loop.run(maxSeconds: 120) { tick in
            if negotiatedAt == nil, sender.hasNegotiated { negotiatedAt = tick }
            if let at = negotiatedAt, tick == at + 200 { sender.hangUp(); receiver.hangUp() }
            return .clear
        }
        // check
        #expect(sender.outcome?.completionCode == .callDropped)
        #expect(sender.outcome?.resultCode == .transmissionFailed)
        #expect(receiver.outcome?.resultCode == .transmissionFailed)
    }

    @Test("A receiver that cannot take the document's resolution refuses: negotiation_failed", arguments: transports)
    func refusingReceiver(transport: FaxTransport) throws {
        // setup
        let directory = TestPages.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (sender, receiver, _, _) = try Self.pair(transport: transport, ecm: true, receiverResolutions: [.standard], directory: directory)
        var loop = FaxLoopback(caller: sender, answerer: receiver)
        // act
        loop.run(maxSeconds: 300)
        // check
        #expect(sender.outcome?.resultCode == .negotiationFailed, "\(String(describing: sender.outcome?.completionCode))")
    }

    @Test("A receiver that refuses the caller's identifier: blocked_number there, negotiation_failed for the caller", arguments: transports)
    func refusedIdentifier(transport: FaxTransport) throws {
        // setup
        let directory = TestPages.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let sent = directory.appendingPathComponent("sent.tif")
        try FaxTIFF.write([TestPages.page(number: 4, height: 200)], to: sent)
        let sender = try FaxSession(configuration: .init(role: .send(document: sent), isCaller: true, localIdentifier: "+15550000666"),
                                    transport: transport)
        let receiver = try FaxSession(
            configuration: .init(role: .receive(into: directory.appendingPathComponent("rx.tif")), isCaller: false,
                                 acceptRemote: { $0 != "+15550000666" }),
            transport: transport)
        var loop = FaxLoopback(caller: sender, answerer: receiver)
        // act
        loop.run(maxSeconds: 300)
        // check
        #expect(receiver.outcome?.completionCode.description.lowercased().contains("ident") == true)
        #expect(receiver.outcome?.resultCode == .blockedNumber)
        #expect(sender.outcome?.resultCode == .negotiationFailed, "\(String(describing: sender.outcome?.completionCode))")
        #expect(sender.outcome?.statistics.pages == 0)
    }

    @Test("Voice or silence instead of a fax: not_a_fax_machine within the T.30 timeouts",
          arguments: [true, false], [true, false])
    func notAFaxMachine(voice: Bool, sending: Bool) throws {
        // setup
        let directory = TestPages.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let document = directory.appendingPathComponent("doc.tif")
        try FaxTIFF.write([TestPages.page(number: 3, height: 100)], to: document)
        let role: FaxSessionConfiguration.Role = sending ? .send(document: document) : .receive(into: directory.appendingPathComponent("rx.tif"))
        let session = try FaxSession(configuration: .init(role: role, isCaller: sending), transport: .audio)
        var call = FaxAgainstAudio(session: session) { tick in
            voice ? FaxAgainstAudio.voice(tick: tick) : [Int16](repeating: 0, count: 160)
        }
        // act
        let seconds = call.run(maxSeconds: 120)
        // check
        #expect(session.outcome?.resultCode == .notAFaxMachine, "\(String(describing: session.outcome?.completionCode))")
        #expect(seconds <= 75)
    }

    @Test("A document SpanDSP cannot send is refused before the call")
    func unsendableDocument() throws {
        // setup
        let directory = TestPages.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let narrow = directory.appendingPathComponent("narrow.tif")
        try FaxTIFF.write([FaxPage(width: 1700, height: 50)], to: narrow)
        let garbage = directory.appendingPathComponent("garbage.tif")
        try Data("II*\0garbage".utf8).write(to: garbage)
        // act / check
        for (url, expected) in [(narrow, FaxDocumentError.wrongWidth(page: 1, width: 1700)), (garbage, nil)] {
            do {
                _ = try FaxSession(configuration: .init(role: .send(document: url), isCaller: true), transport: .audio)
                Issue.record("\(url.lastPathComponent) was accepted")
            } catch {
                guard case .unreadableDocument(_, let reason) = error else { Issue.record("\(error)"); continue }
                if let expected { #expect(reason == expected) }
            }
        }
    }

    @Test("A destination SpanDSP could not write is refused before the call")
    func unwritableDestination() {
        let long = URL(fileURLWithPath: "/tmp/" + String(repeating: "d", count: 300) + ".tif")
        let missing = URL(fileURLWithPath: "/nonexistent-\(UUID().uuidString)/rx.tif")
        for url in [long, missing] {
            #expect(throws: FaxSessionError.self) {
                _ = try FaxSession(configuration: .init(role: .receive(into: url), isCaller: false), transport: .t38())
            }
        }
    }

    @Test("Every SpanDSP completion code maps to a result code")
    func completionCodes() {
        let all = T30CompletionCode.all
        #expect(all.count >= 60)
        for code in all {
            let result = code.resultCode(negotiated: true, ecm: true, sending: true)
            #expect(!code.description.isEmpty)
            #expect(code == .ok ? result == .ok : result != .ok, "\(code.rawValue) \(code)")
        }
        // Only allocation failure is left to general_error.
        let general = all.filter { $0.resultCode(negotiated: true, ecm: true, sending: true) == .generalError }
        #expect(general.count == 1, "\(general.map(\.description))")
        #expect(T30CompletionCode.callDropped.resultCode(negotiated: false, ecm: false, sending: true) == .notAFaxMachine)
        #expect(T30CompletionCode.callDropped.resultCode(negotiated: true, ecm: false, sending: true) == .transmissionFailed)
    }

    @Test("G.711 round trip keeps fax-level accuracy", arguments: G711Codec.allCases)
    func g711(codec: G711Codec) {
        let samples: [Int16] = (0..<8_000).map { Int16(12_000 * sin(Double($0) * 0.37)) }
        let back = codec.decode(codec.encode(samples))
        let worst = zip(samples, back).map { abs(Int($0) - Int($1)) }.max() ?? 0
        #expect(worst < 800)
        #expect(codec.encode([0]).count == 1)
    }
}
