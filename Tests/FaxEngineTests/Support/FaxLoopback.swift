import FaxEngine
import Foundation

/// Two sessions wired back to back in one process, driven in 20 ms steps (no network, no sleeping).
struct FaxLoopback {
    /// What a line does to the traffic of one tick.
    enum Line {
        /// Everything arrives.
        case clear
        /// Nothing arrives any more (the line went dead).
        case dead
    }

    var caller: FaxSession
    var answerer: FaxSession
    /// G.711 law used on the wire for audio sessions.
    var codec: G711Codec = .pcmu
    /// Simulated time so far, in 20 ms ticks.
    private(set) var ticks = 0

    init(caller: FaxSession, answerer: FaxSession, codec: G711Codec = .pcmu) {
        self.caller = caller
        self.answerer = answerer
        self.codec = codec
    }

    /// Runs until both sides reached phase E or `maxSeconds` of call time passed.
    /// `line` decides, tick by tick, whether traffic still flows.
    mutating func run(maxSeconds: Int = 600, line: (Int) -> Line = { _ in .clear }) {
        while !(caller.isFinished && answerer.isFinished), ticks < maxSeconds * 50 {
            step(line(ticks))
            ticks += 1
        }
    }

    /// One 20 ms step in both directions.
    mutating func step(_ line: Line) {
        switch caller.transport {
        case .audio:
            let fromCaller = codec.decode(codec.encode(caller.audioOut(count: 160)))
            let fromAnswerer = codec.decode(codec.encode(answerer.audioOut(count: 160)))
            let silence = [Int16](repeating: 0, count: 160)
            caller.audioIn(line == .clear ? fromAnswerer : silence)
            answerer.audioIn(line == .clear ? fromCaller : silence)
        case .t38:
            let fromCaller = caller.tick(samples: 160)
            let fromAnswerer = answerer.tick(samples: 160)
            guard line == .clear else { return }
            for packet in fromCaller { answerer.ifpIn(packet.ifp, sequence: packet.sequence) }
            for packet in fromAnswerer { caller.ifpIn(packet.ifp, sequence: packet.sequence) }
        }
    }
}

/// One fax machine's side of a one-sided call: the far end is a voice, silence or nothing at all.
struct FaxAgainstAudio {
    var session: FaxSession
    /// Produces the far end's audio for tick n.
    var farEnd: (Int) -> [Int16]

    /// Runs until phase E or `maxSeconds`; returns the simulated seconds it took.
    mutating func run(maxSeconds: Int = 300) -> Double {
        var tick = 0
        while !session.isFinished, tick < maxSeconds * 50 {
            _ = session.audioOut(count: 160)
            session.audioIn(farEnd(tick))
            tick += 1
        }
        return Double(tick) / 50
    }

    /// A voice-like signal: a few harmonics of a gliding pitch, syllables of 200 ms with pauses.
    static func voice(tick: Int) -> [Int16] {
        (0..<160).map { i in
            let t = Double(tick * 160 + i) / 8_000
            let syllable = (tick / 10) % 3 != 2
            guard syllable else { return 0 }
            let pitch = 140 + 40 * sin(2 * .pi * 0.7 * t)
            var value = 0.0
            for harmonic in 1...6 { value += sin(2 * .pi * pitch * Double(harmonic) * t) / Double(harmonic) }
            return Int16(value * 4_000)
        }
    }
}
