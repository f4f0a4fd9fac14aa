import SIP
import Testing

@Suite("SIPURI and name-addr")
struct SIPURITests {
    @Test("URIs parse and print back", arguments: [
        "sip:+15550101@127.0.0.1:5080;user=phone",
        "sips:alice@example.com",
        "sip:example.com;lr",
        "sip:bob@[2001:db8::1]:5062;transport=udp",
        "sip:carol@host?Subject=x",
    ])
    func roundTrip(text: String) throws {
        let uri = try SIPURI(parsing: text)
        #expect(uri.description == text)
        #expect(try SIPURI(parsing: uri.description) == uri)
    }

    @Test("Parts of a URI")
    func parts() throws {
        let uri = try SIPURI(parsing: "sip:user:secret@Host.example.com:5070;transport=UDP;lr")
        #expect(uri.user == "user")
        #expect(uri.host == "Host.example.com")
        #expect(uri.port == 5070)
        #expect(uri.parameters["TRANSPORT"] == "UDP")
        #expect(uri.parameters.contains("lr"))
        #expect(try SIPURI(parsing: "sips:h").effectivePort == 5061)
    }

    @Test("Bad URIs fail", arguments: ["", "sip:", "http://x", "sip:a@", "sip:a@b:0", "sip:a@b:65536", "sip:a@b:x", "sip:a b@c", "sip:[zz]", "tel:+1555"])
    func bad(text: String) {
        #expect(throws: SIPParseError.self) { try SIPURI(parsing: text) }
    }

    @Test("addr-spec parameters belong to the header, name-addr keeps URI parameters inside")
    func nameAddress() throws {
        let bare = try SIPNameAddress(parsing: "sip:a@b;tag=77")
        #expect(bare.tag == "77")
        #expect(bare.uri.parameters.contains("tag") == false)
        let full = try SIPNameAddress(parsing: "Fax <sip:a@b;lr>;tag=9;expires=60")
        #expect(full.displayName == "Fax")
        #expect(full.uri.parameters.contains("lr"))
        #expect(full.parameters["expires"] == "60")
        #expect(try SIPNameAddress(parsing: full.description) == full)
    }
}
