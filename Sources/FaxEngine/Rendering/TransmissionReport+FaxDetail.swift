import Foundation
import PagewireCore

extension TransmissionReport {
    /// The report of a fax from its detail (no thumbnail): the API's download and the e-mail
    /// notices' attachment show the same facts.
    public init(_ detail: FaxDetail, companyName: String?) {
        let fax = detail.fax
        let remote = (try? E164Number(parsing: fax.remoteNumber))?.formatted ?? fax.remoteNumber
        let csid = detail.attempts.last(where: { ($0.remoteCSID ?? "").isEmpty == false })?.remoteCSID
        let outbound = fax.direction == "outbound"
        var facts: [(label: String, value: String)] = [
            ("Fax ID", String(fax.id)),
            ("Direction", outbound ? "Sent" : "Received"),
            (outbound ? "To" : "From", remote),
            ("Remote identifier", csid ?? "-"),
        ]
        if let caller = fax.callerID, !caller.isEmpty { facts.append((outbound ? "Caller ID" : "Called number", caller)) }
        facts += [
            ("Pages", fax.pages.map { "\(fax.pagesSent) of \($0) \(outbound ? "sent" : "received")" } ?? "\(fax.pagesSent)"),
            ("Quality", fax.quality.rawValue),
            ("Status", fax.state.rawValue),
            ("Result", fax.resultCode.map { "\($0.rawValue) (\($0.title)): \($0.explanation)" } ?? "-"),
            ("Attempts", "\(fax.attempts) of at most \(fax.maxAttempts)"),
            ("Submitted", Self.time(fax.createdAt)),
        ]
        if let delivered = detail.attempts.last(where: { $0.resultCode == .ok }), let ended = delivered.endedAt {
            facts.append(("Transmitted", "\(Self.time(delivered.startedAt)), \(Int(ended.timeIntervalSince(delivered.startedAt).rounded())) s"))
        }
        if let completed = fax.completedAt { facts.append(("Completed", Self.time(completed))) }
        if let next = fax.nextAttemptAt, !fax.state.isFinal { facts.append(("Next attempt", Self.time(next))) }
        let attempts = detail.attempts.map { a -> String in
            var parts = ["#\(a.n)", Self.time(a.startedAt, zone: false)]
            if let ended = a.endedAt { parts.append("\(Int(ended.timeIntervalSince(a.startedAt).rounded())) s") }
            parts.append(a.resultCode?.rawValue ?? "in progress")
            parts.append("\(a.pagesSent) p")
            if let rate = a.bitRate { parts.append("\(rate) bit/s") }
            if let ecm = a.ecm { parts.append(ecm ? "ECM" : "no ECM") }
            if let sip = a.sipStatus { parts.append("SIP \(sip)") }
            if let csid = a.remoteCSID, !csid.isEmpty { parts.append("\"\(csid)\"") }
            return parts.joined(separator: "  ")
        }
        self.init(title: "Transmission confirmation", subtitle: companyName, facts: facts, attempts: attempts)
    }

    /// `2026-12-01 08:22:45 UTC`.
    static func time(_ date: Date, zone: Bool = true) -> String {
        var text = date.formatted(Date.ISO8601FormatStyle(dateSeparator: .dash, dateTimeSeparator: .space, timeSeparator: .colon, timeZone: .gmt))
        if text.hasSuffix("Z") { text.removeLast() }
        return zone ? text + " UTC" : text
    }

    /// The first page of a rendered fax TIFF, or nil when it cannot be read.
    public static func firstPage(ofTIFF tiff: [UInt8]) -> FaxPage? {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("pw-report-" + UUID().uuidString + ".tif")
        defer { try? FileManager.default.removeItem(at: file) }
        guard (try? Data(tiff).write(to: file)) != nil else { return nil }
        return (try? FaxTIFF.readPages(file))?.first
    }
}
