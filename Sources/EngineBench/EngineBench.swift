import FaxEngine
import Foundation

/// `pagewire-engine-bench`: measures the fax engine for `scripts/benchmarks/engine.sh`.
///
///     pagewire-engine-bench session audio|t38 CALLS TIFF   → "cpu_ms=<n> call_seconds=<n>"
///     pagewire-engine-bench render PDF ROUNDS              → "pages=<n> seconds=<n>"
@main
enum EngineBench {
    static func main() throws {
        let arguments = CommandLine.arguments.dropFirst()
        switch arguments.first {
        case "session":
            let rest = Array(arguments.dropFirst())
            guard rest.count == 3, let calls = Int(rest[1]) else { usage() }
            try session(transport: rest[0] == "t38" ? .t38(version: 0) : .audio, calls: calls, document: URL(fileURLWithPath: rest[2]))
        case "render":
            let rest = Array(arguments.dropFirst())
            guard rest.count == 2, let rounds = Int(rest[1]) else { usage() }
            try render(URL(fileURLWithPath: rest[0]), rounds: rounds)
        default:
            usage()
        }
    }

    static func usage() -> Never {
        FileHandle.standardError.write(Data("usage: pagewire-engine-bench session audio|t38 CALLS TIFF | render PDF ROUNDS\n".utf8))
        exit(64)
    }

    /// CPU time of this process, milliseconds.
    static func cpuMilliseconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1_000
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1_000
    }

    /// Runs `calls` complete sender/receiver pairs (V.17, ECM) in 20 ms steps, as the C reference does.
    static func session(transport: FaxTransport, calls: Int, document: URL) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pagewire-bench-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var ticks = 0
        let start = cpuMilliseconds()
        for call in 0..<calls {
            let received = directory.appendingPathComponent("rx\(call).tif")
            let sender = try FaxSession(configuration: .init(role: .send(document: document), isCaller: true, localIdentifier: "bench-tx"),
                                        transport: transport)
            let receiver = try FaxSession(configuration: .init(role: .receive(into: received), isCaller: false, localIdentifier: "bench-rx"),
                                          transport: transport)
            var callTicks = 0
            while !(sender.isFinished && receiver.isFinished), callTicks < 30_000 {
                switch transport {
                case .audio:
                    let a = G711Codec.pcmu.decode(G711Codec.pcmu.encode(sender.audioOut(count: 160)))
                    let b = G711Codec.pcmu.decode(G711Codec.pcmu.encode(receiver.audioOut(count: 160)))
                    sender.audioIn(b)
                    receiver.audioIn(a)
                case .t38:
                    let a = sender.tick(samples: 160)
                    let b = receiver.tick(samples: 160)
                    for packet in a { receiver.ifpIn(packet.ifp, sequence: packet.sequence) }
                    for packet in b { sender.ifpIn(packet.ifp, sequence: packet.sequence) }
                }
                callTicks += 1
            }
            guard sender.outcome?.succeeded == true else {
                FileHandle.standardError.write(Data("call \(call) failed: \(String(describing: sender.outcome))\n".utf8))
                exit(1)
            }
            ticks += callTicks
            try? FileManager.default.removeItem(at: received)
        }
        let cpu = cpuMilliseconds() - start
        print("cpu_ms=\(String(format: "%.1f", cpu)) call_seconds=\(String(format: "%.2f", Double(ticks) / 50))")
    }

    /// Renders a PDF `rounds` times at fine resolution; wall time (the work happens in Ghostscript children).
    static func render(_ pdf: URL, rounds: Int) throws {
        let renderer = DocumentRenderer(options: RenderOptions(resolution: .fine))
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("pagewire-bench-\(getpid()).tif")
        defer { try? FileManager.default.removeItem(at: output) }
        var pages = 0
        let start = Date()
        for _ in 0..<rounds {
            pages += try renderer.render(pdf, to: output).pages
        }
        print("pages=\(pages) seconds=\(String(format: "%.3f", Date().timeIntervalSince(start)))")
    }
}
