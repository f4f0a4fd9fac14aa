import PagewireCore
import Testing

@Suite("Fax e-mail addresses and automatic mail")
struct FaxMailAddressTests {
    @Test(arguments: [
        ("2065550100@fax.clinic.example", "+12065550100"), ("+442071234567@Fax.Clinic.Example.", "+442071234567"),
        ("00442071234567@fax.clinic.example", "+442071234567"), ("011442071234567@fax.clinic.example", "+442071234567"),
        ("\"+12065550100\"@fax.clinic.example", "+12065550100"),
    ])
    func acceptsKazoosForms(address: String, number: String) throws {
        let parsed = try FaxMailAddress(parsing: address)
        #expect(parsed.number.value == number && parsed.domain == "fax.clinic.example")
    }

    @Test(arguments: [
        ("(206)5550100@fax.clinic.example", "digits only"), ("206.555.0100@fax.clinic.example", "digits only"),
        ("12065550100@fax.clinic.example", "neither a 10-digit"), ("442071234567@fax.clinic.example", "neither a 10-digit"),
        ("1065550100@fax.clinic.example", "area code"), ("+1206@fax.clinic.example", "at least 8"), ("+1206555010@fax.clinic.example", "North American"),
        ("2065550100", "not an e-mail address"), ("2065550100@bad_domain!", "not an e-mail address"), ("+@x.example", "digits only"),
    ])
    func refusesTheRestWithAReason(address: String, reason: String) {
        #expect {
            _ = try FaxMailAddress(parsing: address)
        } throws: { error in
            (error as? FaxMailAddress.ParseError)?.description.contains(reason) == true
        }
    }

    @Test func automaticMessagesAreRecognised() {
        #expect(AutomaticMail.reason(returnPath: "", headers: [:]) != nil)
        #expect(AutomaticMail.reason(returnPath: "a@b.example", headers: ["auto-submitted": "auto-replied"]) != nil)
        #expect(AutomaticMail.reason(returnPath: "a@b.example", headers: ["auto-submitted": "no"]) == nil)
        #expect(AutomaticMail.reason(returnPath: "a@b.example", headers: ["precedence": "bulk"]) != nil)
        #expect(AutomaticMail.reason(returnPath: "a@b.example", headers: ["list-id": "<x.lists.example>"]) != nil)
        #expect(AutomaticMail.reason(returnPath: "MAILER-DAEMON@b.example", headers: [:]) != nil)
        #expect(AutomaticMail.reason(returnPath: "roe@clinic.example", headers: ["precedence": "first-class"]) == nil)
    }
}
