import FaxEngine
import Foundation
import Logging
import NIOCore
import NIOPosix
import TelephonyKit

/// `pagewire-telephony-bench`: places simultaneous real-time fax calls to a running carrier
/// simulator for `scripts/benchmarks/telephony.sh`.
///
///     pagewire-telephony-bench g711|t38 CALLS SIMULATOR_PORT MEDIA_MIN MEDIA_MAX
///     → "calls=<n> ok=<n> rtp_sent=<n> rtp_late=<n> rtp_lost=<n> udptl_sent=<n> late_ticks=<n> ticks=<n> peak_legs=<n> cpu_ms=<n> seconds=<n>"
@main
enum TelephonyBench {
    static func main() async throws {
        let arguments = Array(CommandLine.arguments.dropFirst())
        guard arguments.count == 5, let calls = Int(arguments[1]), let port = Int(arguments[2]),
              let low = Int(arguments[3]), let high = Int(arguments[4]), ["g711", "t38"].contains(arguments[0]) else {
            FileHandle.standardError.write(Data("usage: pagewire-telephony-bench g711|t38 CALLS SIMULATOR_PORT MEDIA_MIN MEDIA_MAX\n".utf8))
            exit(64)
        }
        let t38 = arguments[0] == "t38"
        var logger = Logger(label: "telephony-bench")
        logger.logLevel = .error
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pagewire-telephony-bench-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let document = directory.appendingPathComponent("page.tif")
        try FaxTIFF.write([page(height: 400)], to: document)

        let endpoint = try await TelephonyEndpoint.start(
            configuration: .init(sip: .init(host: "127.0.0.1", port: 0, floodLimitPerSecond: 1_000_000), mediaPorts: low...high),
            on: MultiThreadedEventLoopGroup.singleton.next(), logger: logger)
        // New calls per second (PW_BENCH_CPS, default 100: a generous limit for one carrier
        // trunk). A call lasts about 45 s, so up to 4,500 calls are all up at once at this rate.
        let callsPerSecond = max(1, ProcessInfo.processInfo.environment["PW_BENCH_CPS"].flatMap(Int.init) ?? 100)
        let cpuBefore = cpuMilliseconds()
        let start = ContinuousClock.now
        let reports = await withTaskGroup(of: FaxCallReport.self) { group in
            for index in 0..<calls {
                group.addTask {
                    try? await Task.sleep(for: .milliseconds(1_000 * index / callsPerSecond))
                    let request = OutboundFaxRequest(
                        destination: t38 ? "+15550102" : "+15550101", trunkHost: "127.0.0.1", trunkPort: port,
                        callerID: "+15551230001", document: document,
                        t38: t38 ? T38Policy(accept: true, request: true, requestDelay: .milliseconds(100)) : .never)
                    return await endpoint.sendFax(request)
                }
            }
            var all: [FaxCallReport] = []
            for await report in group { all.append(report) }
            return all
        }
        let seconds = Double((ContinuousClock.now - start).components.seconds) + Double((ContinuousClock.now - start).components.attoseconds) / 1e18
        let cpu = cpuMilliseconds() - cpuBefore
        let (ticks, late, peak) = try await endpoint.loop.submit { (endpoint.clock.ticks, endpoint.clock.lateTicks, endpoint.clock.peakLegCount) }.get()
        let media = reports.compactMap(\.media)
        let ok = reports.filter { $0.resultCode == .ok && (!t38 || $0.usedT38) }.count
        // Why calls did not count, grouped (a T.38 call that ended on G.711 counts as not delivered over T.38).
        var failures: [String: Int] = [:]
        for report in reports where report.resultCode != .ok || (t38 && !report.usedT38) {
            failures["\(report.resultCode.rawValue) sip=\(report.sipStatus ?? 0) t30=\(report.completionCode?.rawValue ?? -1) t38=\(report.t38.rawValue)", default: 0] += 1
        }
        for (reason, count) in failures.sorted(by: { $0.value > $1.value }) {
            FileHandle.standardError.write(Data("calls not counted: \(count) × \(reason)\n".utf8))
        }
        print("calls=\(calls) ok=\(ok) rtp_sent=\(media.map(\.rtpSent).reduce(0, +)) rtp_late=\(media.map(\.rtpLate).reduce(0, +)) "
              + "rtp_lost=\(media.map(\.rtpLost).reduce(0, +)) udptl_sent=\(media.map(\.udptlSent).reduce(0, +)) "
              + "late_ticks=\(late) ticks=\(ticks) peak_legs=\(peak) cpu_ms=\(Int(cpu)) seconds=\(String(format: "%.1f", seconds))")
        await endpoint.close()
    }

    static func cpuMilliseconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1_000
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1_000
    }

    /// A text-like page.
    static func page(height: Int) -> FaxPage {
        var page = FaxPage(width: 1728, height: height, xDPI: 204, yDPI: 196)
        var seed: UInt32 = 2_654_435_761
        func next() -> UInt32 { seed ^= seed << 13; seed ^= seed >> 17; seed ^= seed << 5; return seed }
        var y = 20
        while y + 16 < height - 10 {
            var x = 40
            while x + 10 < page.width - 40 {
                if next() % 5 != 0 {
                    let glyph = next()
                    for gy in 0..<14 { for gx in 0..<8 where (glyph >> UInt32((gx + gy) % 32)) & 1 == 1 { page[x + gx, y + gy] = true } }
                }
                x += 11
            }
            y += 24
        }
        return page
    }
}
