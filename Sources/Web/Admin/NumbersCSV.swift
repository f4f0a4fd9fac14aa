import PagewireCore

/// The inventory export: one line per number with its country, status and whether it was ported.
enum NumbersCSV {
    static func render(_ numbers: [FaxNumber]) -> String {
        var out = "number,country,status,ported\r\n"
        for n in numbers {
            out += "\(n.e164),\(country(of: n.e164)),\(n.state.rawValue),\(n.ported ? "yes" : "no")\r\n"
        }
        return out
    }

    /// The ISO country of well-known calling codes, else the calling code itself.
    static func country(of e164: String) -> String {
        let known: [(String, String)] = [("+1", "US/CA"), ("+44", "GB"), ("+49", "DE"), ("+33", "FR"), ("+61", "AU"), ("+353", "IE"),
                                         ("+31", "NL"), ("+34", "ES"), ("+39", "IT"), ("+41", "CH"), ("+43", "AT"), ("+32", "BE")]
        for (prefix, country) in known.sorted(by: { $0.0.count > $1.0.count }) where e164.hasPrefix(prefix) { return country }
        return String(e164.prefix(3))
    }
}
