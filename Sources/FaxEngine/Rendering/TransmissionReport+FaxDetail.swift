import Foundation
import PagewireCore

extension TransmissionReport {
    /// The report of a fax from its detail (no thumbnail): the API's download and the e-mail
    /// notices' attachment show the same facts, with times in `timeZone` (the fax owner's).
    public init(_ detail: FaxDetail, companyName: String?, timeZone: TimeZone = .gmt) {
        func time(_ date: Date, zone: Bool = true) -> String { Self.time(date, in: timeZone, zone: zone) }
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
            ("Submitted", time(fax.createdAt)),
        ]
        if let delivered = detail.attempts.last(where: { $0.resultCode == .ok }), let ended = delivered.endedAt {
            facts.append(("Transmitted", "\(time(delivered.startedAt)), \(Int(ended.timeIntervalSince(delivered.startedAt).rounded())) s"))
        }
        if let completed = fax.completedAt { facts.append(("Completed", time(completed))) }
        if let next = fax.nextAttemptAt, !fax.state.isFinal { facts.append(("Next attempt", time(next))) }
        let attempts = detail.attempts.map { a -> String in
            var parts = ["#\(a.n)", time(a.startedAt, zone: false)]
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

    /// `2026-12-01 08:22:45 UTC`, or `2026-12-01 03:22:45 America/New_York`.
    static func time(_ date: Date, in timeZone: TimeZone, zone: Bool = true) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = timeZone
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        let text = formatter.string(from: date)
        guard zone else { return text }
        return text + " " + (timeZone.secondsFromGMT() == 0 && ["GMT", "UTC"].contains(timeZone.identifier) ? "UTC" : timeZone.identifier)
    }

    /// The first page of a rendered fax TIFF, or nil when it cannot be read.
    public static func firstPage(ofTIFF tiff: [UInt8]) -> FaxPage? {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("pw-report-" + UUID().uuidString + ".tif")
        defer { try? FileManager.default.removeItem(at: file) }
        guard (try? Data(tiff).write(to: file)) != nil else { return nil }
        return (try? FaxTIFF.readPages(file))?.first
    }
}
