import SIP
import Testing

@Suite("Digest authentication")
struct SIPDigestTests {
    @Test("RFC 2617 example response (MD5, qop=auth)")
    func md5() throws {
        // The example of RFC 2617 §3.5 with the SIP method and URI in place of HTTP's.
        let challenge = try SIPDigestChallenge(parsing:
            #"Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41""#)
        let value = challenge.authorization(username: "Mufasa", password: "Circle Of Life", method: SIPMethod(rawValue: "GET"),
                                            uri: "/dir/index.html", cnonce: "0a4f113b", nonceCount: 1)
        #expect(value.contains(#"response="6629fae49393a05397450978507c4ef1""#))
        #expect(value.contains("nc=00000001") && value.contains(#"opaque="5ccc069c403ebaf9f0171e9517f40e41""#))
    }

    @Test("RFC 7616 example response (SHA-256)")
    func sha256() throws {
        let challenge = try SIPDigestChallenge(parsing:
            #"Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=SHA-256, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS""#)
        #expect(challenge.algorithm == .sha256)
        let value = challenge.authorization(username: "Mufasa", password: "Circle of Life", method: SIPMethod(rawValue: "GET"),
                                            uri: "/dir/index.html", cnonce: "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", nonceCount: 1)
        #expect(value.contains(#"response="753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1""#))
    }

    @Test("Challenges without qop use the RFC 2069 form; bad challenges fail")
    func variants() throws {
        let plain = try SIPDigestChallenge(parsing: #"Digest realm="r", nonce="n""#)
        #expect(!plain.qopAuth && plain.algorithm == .md5)
        #expect(!plain.authorization(username: "u", password: "p", method: .invite, uri: "sip:x@y", cnonce: "c").contains("qop="))
        #expect(throws: SIPParseError.self) { try SIPDigestChallenge(parsing: "Basic realm=x") }
        #expect(throws: SIPParseError.self) { try SIPDigestChallenge(parsing: #"Digest realm="r""#) }
        #expect(throws: SIPParseError.self) { try SIPDigestChallenge(parsing: #"Digest realm="r", nonce="n", algorithm=SHA-512-256"#) }
    }
}
