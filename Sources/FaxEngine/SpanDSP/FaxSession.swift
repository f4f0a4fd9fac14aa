private import CSpanDSP
import Foundation

/// One side of one fax call, driven by the caller's clock.
///
/// A session never sleeps and never starts a task: the SIP/RTP layer calls it once per 20 ms
/// packet time, and everything (modems, T.30 timers, phase callbacks) advances by exactly the
/// time it is given. A test can therefore run a whole fax call in a fraction of a second by
/// wiring two sessions back to back.
///
/// - Audio (`FaxTransport.audio`): each tick call `audioIn(_:)` with the 160 samples that
///   arrived and `audioOut(count:)` for the 160 to send; `G711Codec` converts PCMU/PCMA payloads.
/// - T.38 (`FaxTransport.t38`): pass each received IFP packet to `ifpIn(_:sequence:)` and call
///   `tick(samples:)` every 20 ms; it returns the IFP packets to send, with their UDPTL sequence
///   numbers and how many copies a redundancy-less sender should emit.
///
/// A G.711 call leg, once per received RTP packet (20 ms):
///
///     let session = try FaxSession(configuration: .init(role: .send(document: tiff), isCaller: true,
///                                                       localIdentifier: "+15551230001"),
///                                  transport: .audio) { event in log(event) }
///     session.audioIn(payload: rtp.payload, codec: .pcmu)          // or audioMissing(count: 160)
///     send(session.audioOutPayload(count: 160, codec: .pcmu))
///     if session.isFinished { hangUp(session.outcome!.resultCode) }
///
/// A T.38 leg, every 20 ms plus whenever a UDPTL packet arrives:
///
///     session.ifpIn(udptl.primaryIFP, sequence: udptl.sequence)
///     for packet in session.tick(samples: 160) { udptl.send(packet.ifp, sequence: packet.sequence) }
///
/// Events arrive synchronously through `onEvent` (from inside the call that caused them) and
/// through `events`. Phase E (`FaxEvent.callDone`) is the last; `outcome` is then set and the
/// SIP layer should hang up. A session belongs to one task at a time (SpanDSP has no locks).
public final class FaxSession {
    /// How this side was set up.
    public let configuration: FaxSessionConfiguration
    /// Audio or T.38.
    public let transport: FaxTransport
    /// Every event, in order; finishes after `callDone`.
    public let events: AsyncStream<FaxEvent>
    /// The phase E outcome once the call is over, else nil.
    public var outcome: FaxOutcome? { t30.outcome }
    /// True once phase B reached the point where SpanDSP reports it: the far end's DIS (when
    /// sending) or DCS (when receiving) arrived and was accepted. Training may still follow.
    public var hasNegotiated: Bool { t30.negotiated }
    /// True once phase E happened.
    public var isFinished: Bool { t30.outcome != nil }
    /// Statistics so far (pages, bit rate, ECM, remote identifier, bad rows).
    public var statistics: FaxTransferStatistics { t30.statistics() }

    let terminal: Terminal
    let t30: T30Session
    private let continuation: AsyncStream<FaxEvent>.Continuation
    private let onEvent: (FaxEvent) -> Void
    /// Samples of session time since the last IFP packet arrived (T.38 dead-line watchdog).
    var samplesSinceLastPacket = 0
    /// T.38 packets SpanDSP produced, waiting for the next `tick`.
    let outgoing = T38PacketQueue()

    /// The SpanDSP state behind the session.
    enum Terminal {
        /// `fax_state_t *`: modems plus T.30.
        case audio(OpaquePointer)
        /// `t38_terminal_state_t *`: T.38 core plus T.30.
        case t38(OpaquePointer)
    }

    /// Creates a session ready for its first tick.
    ///
    /// - Parameters:
    ///   - configuration: role, caller or answerer, identifiers and capabilities.
    ///   - transport: audio (G.711) or T.38.
    ///   - onEvent: called synchronously for every event, from inside the call that caused it;
    ///     it must not call back into the session.
    /// - Throws: `FaxSessionError.unreadableDocument` if the document to send cannot be sent,
    ///   `.unwritableDestination` if received pages could not be stored (both checked before
    ///   the call, so neither fails seven seconds into it).
    public init(
        configuration: FaxSessionConfiguration,
        transport: FaxTransport,
        onEvent: @escaping (FaxEvent) -> Void = { _ in }
    ) throws(FaxSessionError) {
        if case .send(let document) = configuration.role {
            do {
                // Headers and SpanDSP's own open, not a decode of every page: a session is
                // created on the telephony event loop for every call (twice when it moves to
                // T.38), and decoding the whole document there held every other call's media
                // for milliseconds per page. Documents are decoded once when they are rendered.
                _ = try FaxTIFF.checkSendable(document, decode: false)
            } catch {
                throw .unreadableDocument(document, error)
            }
        }
        if case .receive(let destination) = configuration.role {
            let directory = destination.deletingLastPathComponent().path
            guard destination.path.utf8.count < 256, FileManager.default.isWritableFile(atPath: directory) else {
                throw .unwritableDestination(destination)
            }
        }
        self.configuration = configuration
        self.transport = transport
        self.onEvent = onEvent
        (events, continuation) = AsyncStream.makeStream(of: FaxEvent.self)

        let calling: Int32 = configuration.isCaller ? 1 : 0
        switch transport {
        case .audio:
            guard let fax = fax_init(nil, calling) else { throw .initialisationFailed }
            fax_set_transmit_on_idle(fax, 1)
            terminal = .audio(fax)
            t30 = T30Session(state: fax_get_t30_state(fax), configuration: configuration)
            t30.start()
        case .t38(let version):
            // The queue outlives the terminal: deinit frees the terminal before releasing it.
            let queue = Unmanaged.passUnretained(outgoing).toOpaque()
            guard let t38 = t38_terminal_init(nil, calling, { _, context, buffer, length, count in
                guard let context, let buffer, length > 0 else { return 0 }
                Unmanaged<T38PacketQueue>.fromOpaque(context).takeUnretainedValue()
                    .append(Array(UnsafeBufferPointer(start: buffer, count: Int(length))), copies: Int(count))
                return 0
            }, queue) else { throw .initialisationFailed }
            terminal = .t38(t38)
            t30 = T30Session(state: t38_terminal_get_t30_state(t38), configuration: configuration)
            let core = t38_terminal_get_t38_core_state(t38)
            t38_set_t38_version(core, Int32(version))
            t38_set_fastest_image_data_rate(core, Int32(configuration.maximumBitRate))
            t38_terminal_set_config(t38, 0)
            t30.start()
        }
        t30.report = { [unowned self] event in self.deliver(event) }
    }

    deinit {
        switch terminal {
        case .audio(let fax): fax_free(fax)
        case .t38(let t38): t38_terminal_free(t38)
        }
        continuation.finish()
    }

    /// Ends the call now (the far end hung up, or the user cancelled). Phase E follows at once
    /// with "call dropped"; pages already received stay readable in the received TIFF.
    public func hangUp() {
        t30.terminate()
    }

    private func deliver(_ event: FaxEvent) {
        onEvent(event)
        continuation.yield(event)
        if case .callDone = event { continuation.finish() }
    }
}
