import Crypto
import Foundation

/// The Letter of Authorization of a port request: its terms — what the losing carrier compares
/// with its records (BTN, business name, service addresses, numbers) — and the text printed on it.
///
/// A signature records the digest of the terms it was given for; a request edited afterwards no
/// longer matches and needs a new signature before it can be submitted. That catches the most
/// common cause of rejected ports, an LOA that does not match the request, before the carrier does.
public struct LetterOfAuthorization: Sendable, Equatable {
    /// A recorded electronic signature.
    public struct Signature: Sendable, Equatable {
        public var name: String
        public var title: String
        /// `yyyy-MM-dd`, the date the signer gave.
        public var date: String
        public var ip: String
        public var at: Date

        public init(name: String, title: String, date: String, ip: String, at: Date) {
            self.name = name
            self.title = title
            self.date = date
            self.ip = ip
            self.at = at
        }
    }

    public let trackingID: String
    public let details: PortRequestDetails
    /// Who the numbers move to: the reseller's brand name (or the platform's).
    public let gainingProvider: String

    public init(trackingID: String, details: PortRequestDetails, gainingProvider: String) {
        self.trackingID = trackingID
        self.details = details
        self.gainingProvider = gainingProvider
    }

    /// SHA-256 (hex) of the terms a signature covers.
    public var termsDigest: String {
        let terms = [
            "btn=" + details.billingTelephoneNumber,
            "business=" + details.businessName,
        ] + details.serviceAddresses.map { "address=" + $0.line } + details.numbers.sorted().map { "number=" + $0 }
        return SHA256.hash(data: Data(terms.joined(separator: "\n").utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// The letter as headed paragraphs, for the portal's preview and the PDF; with `signature`,
    /// the signature block records who signed, when, and from where.
    public func sections(signature: Signature?) -> [(heading: String, lines: [String])] {
        let d = details
        var sections: [(String, [String])] = [
            ("Request", ["Tracking ID: \(trackingID)", "Gaining provider: \(gainingProvider)"]),
            ("Customer of record", [
                "Business name (as on the current carrier's bill): \(d.businessName)",
                "Billing telephone number (BTN): \(d.billingTelephoneNumber)",
            ] + d.serviceAddresses.enumerated().map { "Service address \($0.offset + 1): \($0.element.line)" }),
            ("Numbers to port (\(d.numbers.count))", d.numbers),
            ("Authorization", [
                "I authorize \(gainingProvider) and its designated agents to act on behalf of \(d.businessName) to notify",
                "the current carrier of the decision to move service for the numbers above to \(gainingProvider), and",
                "to transfer those numbers. I am authorized to make this decision for the business named above,",
                "and the information above matches the current carrier's records.",
            ]),
        ]
        if let signature {
            let stamp = ISO8601DateFormatter().string(from: signature.at)
            sections.append(("Electronic signature", [
                "Signed by: \(signature.name)", "Title: \(signature.title)", "Date: \(signature.date)",
                "Recorded: \(stamp) from IP address \(signature.ip)", "Terms digest (SHA-256): \(termsDigest)",
            ]))
        } else {
            sections.append(("Signature", ["Not signed yet."]))
        }
        return sections
    }
}
