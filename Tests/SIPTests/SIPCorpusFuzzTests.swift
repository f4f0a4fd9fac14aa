import Foundation
import SIP
import Testing

/// The fuzz target: every message of the corpus in `Fixtures/` parses, and thousands of random
/// mutations of each (byte flips, insertions, deletions, truncations) never crash the parser,
/// and whatever still parses serializes to something that parses again.
@Suite("SIP parser fuzzing over a corpus")
struct SIPCorpusFuzzTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    static var corpus: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: fixtures.path)) ?? []).filter { $0.hasSuffix(".sip") }.sorted()
    }

    @Test("The corpus is there and every message parses")
    func corpusParses() throws {
        #expect(Self.corpus.count >= 4)
        for name in Self.corpus {
            let bytes = Array(try Data(contentsOf: Self.fixtures.appendingPathComponent(name)))
            let message = try SIPMessage(parsing: bytes)
            #expect(try SIPMessage(parsing: message.bytes) == message, "\(name)")
            if message.contentType == "application/sdp" { _ = try SDPSession(parsing: message.body) }
        }
    }

    @Test("Mutations of each corpus message never crash", arguments: corpus)
    func mutations(name: String) throws {
        let base = Array(try Data(contentsOf: Self.fixtures.appendingPathComponent(name)))
        var generator = SplitMix(seed: name.utf8.reduce(11) { $0 &* 31 &+ UInt64($1) })
        for _ in 0..<5_000 {
            var bytes = base
            for _ in 0...Int(generator.next() % 6) {
                guard !bytes.isEmpty else { break }
                let position = Int(generator.next() % UInt64(bytes.count))
                switch generator.next() % 5 {
                case 0: bytes[position] = UInt8(truncatingIfNeeded: generator.next())
                case 1: bytes.remove(at: position)
                case 2: bytes.insert(contentsOf: [13, 10, 32, 58, 59, 60, 62, 34][Int(generator.next() % 8)...].prefix(2), at: position)
                case 3: bytes.insert(contentsOf: bytes[position...].prefix(40), at: position)
                default: bytes = Array(bytes.prefix(position))
                }
            }
            if let message = try? SIPMessage(parsing: bytes) {
                _ = message.vias
                _ = message.recordRoute
                _ = message.contact
                _ = try? SDPSession(parsing: message.body)
                #expect((try? SIPMessage(parsing: message.bytes)) != nil)
            }
        }
    }
}
