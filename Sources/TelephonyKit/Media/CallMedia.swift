import FaxEngine
import Foundation
import Logging
import NIOCore
import SIP

/// The media of one call: an RTP socket for G.711 and a UDPTL socket for T.38, both on the
/// call's event loop, feeding one `FaxSession` at a time. Packets are only taken from the
/// negotiated peer address; anything else is dropped and counted. Confined to `loop`.
public final class CallMedia: MediaTicking, @unchecked Sendable {
    /// What the call is doing now.
    enum Mode {
        case idle
        case audio(codec: G711Codec, payloadType: UInt8, peer: SocketAddress)
        case t38(peer: SocketAddress)
        /// A person talking (the simulator's voice answer): speech-like audio out, input ignored.
        case voice(codec: G711Codec, payloadType: UInt8, peer: SocketAddress)
    }

    /// Counters for one call (logged at the end, summed by benchmarks).
    public struct Counters: Sendable {
        /// RTP packets sent.
        public var rtpSent = 0
        /// RTP packets received from the peer.
        public var rtpReceived = 0
        /// RTP packets that never arrived (a later one did).
        public var rtpLost = 0
        /// Packet times when the next RTP packet had not arrived yet (filled in, played late).
        public var rtpLate = 0
        /// UDPTL packets sent.
        public var udptlSent = 0
        /// UDPTL packets received from the peer.
        public var udptlReceived = 0
        /// IFPs recovered from redundancy.
        public var udptlRecovered = 0
        /// Datagrams from a wrong source or unparsable.
        public var dropped = 0
    }

    let loop: any EventLoop
    let clock: MediaClock
    let logger: Logger
    let audioChannel: any Channel
    let t38Channel: any Channel
    /// The local ports, for SDP.
    public let audioPort: Int
    /// The local UDPTL port.
    public let t38Port: Int
    /// Redundancy depth for UDPTL.
    let redundancyDepth: Int
    /// Counters so far.
    public private(set) var counters = Counters()

    private(set) var mode: Mode = .idle
    /// The session being driven (nil before media starts and after the call).
    private(set) var session: FaxSession?
    /// Called once when the session reaches phase E.
    var onFinished: ((FaxOutcome) -> Void)?

    private var jitter = RTPJitterBuffer()
    private var rtpSequence = UInt16.random(in: 0...UInt16.max)
    private var rtpTimestamp = UInt32.random(in: 0...UInt32.max)
    private let ssrc = UInt32.random(in: 1...UInt32.max)
    private var udptlWindow = UDPTLReceiveWindow()
    private var udptlHistory: UDPTLSendHistory
    private var finishedReported = false
    private var voiceTicks = 0
    private var closed = false

    init(loop: any EventLoop, clock: MediaClock, logger: Logger, audio: (any Channel, MediaDatagramHandler),
         t38: (any Channel, MediaDatagramHandler), redundancyDepth: Int) {
        self.loop = loop
        self.clock = clock
        self.logger = logger
        audioChannel = audio.0
        t38Channel = t38.0
        audioPort = audio.0.localAddress?.port ?? 0
        t38Port = t38.0.localAddress?.port ?? 0
        self.redundancyDepth = redundancyDepth
        udptlHistory = UDPTLSendHistory(depth: redundancyDepth, maxDatagram: 400)
        audio.1.onDatagram = { [unowned self] buffer, source in receiveRTP(buffer, from: source) }
        t38.1.onDatagram = { [unowned self] buffer, source in receiveUDPTL(buffer, from: source) }
    }

    /// Binds both sockets from the allocator.
    static func open(loop: any EventLoop, clock: MediaClock, ports: MediaPortAllocator, logger: Logger, redundancyDepth: Int) async throws -> CallMedia {
        let audioHandler = MediaDatagramHandler()
        let t38Handler = MediaDatagramHandler()
        let audio = try await ports.bind(on: loop) { audioHandler }
        let t38: any Channel
        do {
            t38 = try await ports.bind(on: loop) { t38Handler }
        } catch {
            try? await audio.close()
            throw error
        }
        return try await loop.submit {
            CallMedia(loop: loop, clock: clock, logger: logger, audio: (audio, audioHandler), t38: (t38, t38Handler), redundancyDepth: redundancyDepth)
        }.get()
    }

    /// Starts (or switches to) G.711 with `session`.
    func startAudio(codec: SDPAudioCodec, address: String, port: Int, session: FaxSession) {
        loop.preconditionInEventLoop()
        guard let peer = try? SocketAddress(ipAddress: address, port: port) else {
            logger.warning("Unusable RTP peer address", metadata: ["media.address": "\(address)"])
            return
        }
        mode = .audio(codec: codec == .pcmu ? .pcmu : .pcma, payloadType: codec.payloadType, peer: peer)
        self.session = session
        jitter = RTPJitterBuffer()
        clock.add(self)
    }

    /// Switches to T.38 with a new session (the audio session is dropped).
    func startT38(parameters: T38Parameters, address: String, port: Int, session: FaxSession) {
        loop.preconditionInEventLoop()
        guard let peer = try? SocketAddress(ipAddress: address, port: port) else {
            logger.warning("Unusable UDPTL peer address", metadata: ["media.address": "\(address)"])
            return
        }
        mode = .t38(peer: peer)
        self.session = session
        udptlWindow = UDPTLReceiveWindow()
        udptlHistory = UDPTLSendHistory(depth: parameters.errorCorrection == .none ? 0 : redundancyDepth,
                                        maxDatagram: parameters.maxDatagram)
        clock.add(self)
    }

    /// Plays speech-like audio to the peer instead of fax tones (no session).
    func startVoice(codec: SDPAudioCodec, address: String, port: Int) {
        loop.preconditionInEventLoop()
        guard let peer = try? SocketAddress(ipAddress: address, port: port) else { return }
        mode = .voice(codec: codec == .pcmu ? .pcmu : .pcma, payloadType: codec.payloadType, peer: peer)
        clock.add(self)
    }

    /// True while media runs over T.38.
    var isT38: Bool {
        if case .t38 = mode { return true }
        return false
    }

    /// Stops the clock and closes both sockets (idempotent).
    func close() {
        loop.preconditionInEventLoop()
        guard !closed else { return }
        closed = true
        clock.remove(self)
        mode = .idle
        session = nil
        audioChannel.close(promise: nil)
        t38Channel.close(promise: nil)
    }

    /// Ends the fax now (remote hang-up, cancel): phase E follows with "call dropped".
    func hangUpSession() {
        guard let session, !session.isFinished else { return }
        session.hangUp()
        checkFinished()
    }

    // MARK: Ticks

    /// One packet time: plays the next received packet into the session and sends the next one out.
    public func mediaTick() {
        if case .voice(let codec, let payloadType, let peer) = mode {
            let packet = RTPPacket(payloadType: payloadType, sequenceNumber: rtpSequence, timestamp: rtpTimestamp, ssrc: ssrc,
                                   payload: codec.encode(Self.speech(tick: voiceTicks)))
            voiceTicks += 1
            rtpSequence &+= 1
            rtpTimestamp &+= 160
            write(packet.bytes, to: peer, on: audioChannel)
            counters.rtpSent += 1
            return
        }
        guard let session else { return }
        switch mode {
        case .idle, .voice:
            return
        case .audio(let codec, let payloadType, let peer):
            switch jitter.pop() {
            case .packet(let payload):
                session.audioIn(payload: payload.count == 160 ? payload : Array(payload.prefix(160)) + [UInt8](repeating: codec == .pcmu ? 0xFF : 0xD5, count: max(0, 160 - payload.count)), codec: codec)
            case .missing:
                counters.rtpLost = jitter.lost
                counters.rtpLate = jitter.underruns
                session.audioMissing(count: 160)
            case .idle:
                session.audioIn([Int16](repeating: 0, count: 160))
            }
            let packet = RTPPacket(payloadType: payloadType, sequenceNumber: rtpSequence, timestamp: rtpTimestamp, ssrc: ssrc,
                                   payload: session.audioOutPayload(count: 160, codec: codec))
            rtpSequence &+= 1
            rtpTimestamp &+= 160
            write(packet.bytes, to: peer, on: audioChannel)
            counters.rtpSent += 1
        case .t38(let peer):
            for packet in session.tick(samples: 160) {
                let udptl = udptlHistory.packet(ifp: packet.ifp, sequence: packet.sequence)
                let copies = udptlHistory.depth == 0 ? max(1, packet.copies) : 1
                for _ in 0..<copies { write(udptl.bytes, to: peer, on: t38Channel) }
                counters.udptlSent += copies
            }
        }
        checkFinished()
    }

    private func write(_ bytes: [UInt8], to peer: SocketAddress, on channel: any Channel) {
        let buffer = channel.allocator.buffer(bytes: bytes)
        channel.writeAndFlush(AddressedEnvelope(remoteAddress: peer, data: buffer), promise: nil)
    }

    private func checkFinished() {
        guard !finishedReported, let outcome = session?.outcome else { return }
        finishedReported = true
        onFinished?(outcome)
    }

    /// 20 ms of a voice-like signal: a few harmonics of a gliding pitch in 200 ms syllables with pauses.
    static func speech(tick: Int) -> [Int16] {
        (0..<160).map { i in
            let t = Double(tick * 160 + i) / 8_000
            guard (tick / 10) % 3 != 2 else { return 0 }
            let pitch = 140 + 40 * sin(2 * .pi * 0.7 * t)
            var value = 0.0
            for harmonic in 1...6 { value += sin(2 * .pi * pitch * Double(harmonic) * t) / Double(harmonic) }
            return Int16(value * 4_000)
        }
    }

    // MARK: Receiving

    private func receiveRTP(_ buffer: ByteBuffer, from source: SocketAddress) {
        guard case .audio(_, let payloadType, let peer) = mode, source == peer else {
            counters.dropped += 1
            return
        }
        guard let packet = try? RTPPacket(parsing: buffer.readableBytesView) else {
            counters.dropped += 1
            return
        }
        // telephone-event and comfort noise are not fax audio.
        guard packet.payloadType == payloadType else { return }
        counters.rtpReceived += 1
        jitter.insert(packet)
    }

    private func receiveUDPTL(_ buffer: ByteBuffer, from source: SocketAddress) {
        guard case .t38(let peer) = mode, source == peer, let session else {
            counters.dropped += 1
            return
        }
        guard let packet = try? UDPTLPacket(parsing: buffer.readableBytesView) else {
            counters.dropped += 1
            return
        }
        counters.udptlReceived += 1
        let before = udptlWindow.recovered
        for (ifp, sequence) in udptlWindow.accept(packet) { session.ifpIn(ifp, sequence: sequence) }
        counters.udptlRecovered += udptlWindow.recovered - before
        checkFinished()
    }
}
