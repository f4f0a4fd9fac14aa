import Foundation
import PagewireCore
import Testing

@Suite("TOTP (RFC 6238) and base32")
struct TOTPTests {
    @Test func hotpMatchesRFC4226AppendixD() {
        let secret = Array("12345678901234567890".utf8)
        let expected = ["755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"]
        #expect((0..<10).map { TOTP.code(secret: secret, step: Int64($0)) } == expected)
    }

    @Test func totpMatchesRFC6238AppendixBForSHA1() {
        // setup: the RFC's SHA-1 seed, 8 digits, at its test times
        let secret = Array("12345678901234567890".utf8)
        let vectors: [(Double, String)] = [
            (59, "94287082"), (1_111_111_109, "07081804"), (1_111_111_111, "14050471"),
            (1_234_567_890, "89005924"), (2_000_000_000, "69279037"), (20_000_000_000, "65353130"),
        ]
        for (time, code) in vectors {
            // act
            let step = TOTP.step(at: Date(timeIntervalSince1970: time))
            // check
            #expect(TOTP.code(secret: secret, step: step, digits: 8) == code, "at \(time)")
        }
    }

    @Test func codesAreAcceptedOneStepEitherSideOnly() {
        let secret = Array("12345678901234567890".utf8)
        let now = Date(timeIntervalSince1970: 1_111_111_111)
        let current = TOTP.step(at: now)
        #expect(TOTP.matchingStep(secret: secret, code: TOTP.code(secret: secret, step: current), at: now) == current)
        #expect(TOTP.matchingStep(secret: secret, code: TOTP.code(secret: secret, step: current - 1), at: now) == current - 1)
        #expect(TOTP.matchingStep(secret: secret, code: TOTP.code(secret: secret, step: current + 1), at: now) == current + 1)
        #expect(TOTP.matchingStep(secret: secret, code: TOTP.code(secret: secret, step: current - 2), at: now) == nil)
        #expect(TOTP.matchingStep(secret: secret, code: "12345", at: now) == nil)
        #expect(TOTP.matchingStep(secret: secret, code: "abcdef", at: now) == nil)
    }

    @Test func base32MatchesRFC4648() {
        let vectors = [("", ""), ("f", "MY"), ("fo", "MZXQ"), ("foo", "MZXW6"), ("foob", "MZXW6YQ"), ("fooba", "MZXW6YTB"), ("foobar", "MZXW6YTBOI")]
        for (plain, encoded) in vectors { #expect(TOTP.base32(Array(plain.utf8)) == encoded) }
        let uri = TOTP.provisioningURI(secret: Array("foobar".utf8), account: "ops@resell.example", issuer: "FaxResell Cloud")
        #expect(uri == "otpauth://totp/FaxResell%20Cloud%3Aops@resell.example?secret=MZXW6YTBOI&issuer=FaxResell%20Cloud&algorithm=SHA1&digits=6&period=30")
    }
}
