private import CSPF2
import Foundation
import PagewireCore

/// SPF with libspf2: real DNS through its resolver and cache, or fixed answers (`zone`) for tests
/// and air-gapped set-ups. The only file that touches libspf2.
public struct LibSPF2Verifier: SPFVerifier {
    /// TXT records by domain; nil uses DNS.
    public let zone: [String: String]?

    /// A verifier over DNS, or over the given TXT records only.
    public init(zone: [String: String]? = nil) {
        self.zone = zone
    }

    /// The SPF result for `ip` sending as `mailFrom` (or `postmaster@helo` for the null sender).
    public func check(ip: String, mailFrom: String, helo: String) async -> SPFResult {
        // libspf2 blocks in its resolver: keep that off the cooperative threads.
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: checkBlocking(ip: ip, mailFrom: mailFrom, helo: helo)) }
        }
    }

    private func checkBlocking(ip: String, mailFrom: String, helo: String) -> SPFResult {
        let server: UnsafeMutablePointer<SPF_server_t>?
        if let zone {
            guard let dns = SPF_dns_zone_new(nil, "pagewire", 0) else { return .temperror }
            for (domain, record) in zone {
                _ = SPF_dns_zone_add_str(dns, domain, ns_t_txt, 0, record)
            }
            server = SPF_server_new_dns(dns, 0)
        } else {
            server = SPF_server_new(SPF_DNS_CACHE, 0)
        }
        guard let server else { return .temperror }
        defer { SPF_server_free(server) }
        guard let request = SPF_request_new(server) else { return .temperror }
        defer { SPF_request_free(request) }
        let address = ip.contains(":") ? SPF_request_set_ipv6_str(request, ip) : SPF_request_set_ipv4_str(request, ip)
        guard address == SPF_E_SUCCESS else { return .permerror }
        if !helo.isEmpty { _ = SPF_request_set_helo_dom(request, helo) }
        let sender = mailFrom.isEmpty ? "postmaster@\(helo)" : mailFrom
        guard SPF_request_set_env_from(request, sender) == 0 else { return .permerror }
        var response: UnsafeMutablePointer<SPF_response_t>?
        _ = SPF_request_query_mailfrom(request, &response)
        guard let response else { return .temperror }
        defer { SPF_response_free(response) }
        switch SPF_response_result(response) {
        case SPF_RESULT_PASS: return .pass
        case SPF_RESULT_FAIL: return .fail
        case SPF_RESULT_SOFTFAIL: return .softfail
        case SPF_RESULT_NEUTRAL: return .neutral
        case SPF_RESULT_NONE: return .none
        case SPF_RESULT_TEMPERROR: return .temperror
        default: return .permerror
        }
    }
}
