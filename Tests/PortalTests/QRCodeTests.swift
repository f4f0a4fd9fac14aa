import Foundation
import PagewireCore
import Testing

/// The QR code encoder (ISO/IEC 18004, byte mode): known answers from the standard and its
/// worked examples, and every symbol read back by an independent decoder (zbarimg).
@Suite("QR codes")
struct QRCodeTests {
    /// A TOTP provisioning URI of about `length` bytes, like the enrolment page's.
    static func uri(length: Int, seed: Int = 0) -> String {
        let prefix = "otpauth://totp/Pagewire:ops%40resell.example?issuer=Pagewire&algorithm=SHA1&digits=6&period=30&secret="
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        var text = prefix
        var state = UInt64(seed) &* 6364136223846793005 &+ 1442695040888963407
        while text.utf8.count < length {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            text.append(alphabet[Int(state >> 59)])
        }
        return String(text.prefix(length))
    }

    @Test func reedSolomonMatchesTheWorkedExamples() {
        // ISO/IEC 18004 Annex I: "01234567" as version 1-M (numeric mode), data and error correction codewords
        let numeric: [UInt8] = [0x10, 0x20, 0x0C, 0x56, 0x61, 0x80, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11]
        #expect(QRReedSolomon.errorCorrectionCodewords(for: numeric, count: 10) == [0xA5, 0x24, 0xD4, 0xC1, 0xED, 0x36, 0xC7, 0x87, 0x2C, 0x55])
        // The "HELLO WORLD" 1-M example of the Thonky QR tutorial (alphanumeric mode)
        let hello: [UInt8] = [32, 91, 11, 120, 209, 114, 220, 77, 67, 64, 236, 17, 236, 17, 236, 17]
        #expect(QRReedSolomon.errorCorrectionCodewords(for: hello, count: 10) == [196, 35, 39, 119, 235, 215, 231, 226, 93, 23])
        // the generator polynomial of degree 7 (the standard's Annex A): α exponents 0, 87, 229, 146, 149, 238, 102, 21
        #expect(QRReedSolomon.generator(degree: 7) == [1, 127, 122, 154, 164, 11, 68, 117])
        #expect(QRReedSolomon.multiply(0x80, 2) == 0x1D && QRReedSolomon.multiply(0, 0x53) == 0)
    }

    @Test func formatAndVersionInformationMatchTheStandardsTables() {
        #expect(QRCode.formatInformation(errorCorrection: .medium, mask: 0) == 0b101010000010010)
        #expect(QRCode.formatInformation(errorCorrection: .medium, mask: 1) == 0b101000100100101)
        #expect(QRCode.formatInformation(errorCorrection: .low, mask: 0) == 0b111011111000100)
        #expect(QRCode.formatInformation(errorCorrection: .quartile, mask: 0) == 0b011010101011111)
        #expect(QRCode.formatInformation(errorCorrection: .high, mask: 0) == 0b001011010001001)
        #expect(QRCode.versionInformation(version: 7) == 0b000111110010010100)
        #expect(QRCode.versionInformation(version: 8) == 0b001000010110111100)
        #expect(QRCode.versionInformation(version: 40) == 0b101000110001101001)
    }

    @Test func capacitiesMatchTheStandard() {
        // byte mode capacities from ISO/IEC 18004 Table 7
        #expect(QRCode.byteCapacity(version: 1, errorCorrection: .low) == 17)
        #expect(QRCode.byteCapacity(version: 1, errorCorrection: .medium) == 14)
        #expect(QRCode.byteCapacity(version: 1, errorCorrection: .quartile) == 11)
        #expect(QRCode.byteCapacity(version: 1, errorCorrection: .high) == 7)
        #expect(QRCode.byteCapacity(version: 10, errorCorrection: .medium) == 213)
        #expect(QRCode.byteCapacity(version: 40, errorCorrection: .low) == 2953)
        #expect(QRCode.byteCapacity(version: 40, errorCorrection: .medium) == 2331)
        #expect(QRCode.byteCapacity(version: 40, errorCorrection: .quartile) == 1663)
        #expect(QRCode.byteCapacity(version: 40, errorCorrection: .high) == 1273)
        #expect(throws: QRCode.EncodingError.tooLong(bytes: 214, maximum: 213)) {
            try QRCode(bytes: Array(repeating: 0x41, count: 214), maximumVersion: 10)
        }
    }

    @Test func zbarReadsEveryVersionAtLevelM() throws {
        for version in 1...40 {
            // setup: exactly as long as the version holds, so this version and no smaller one is chosen
            let text = Self.uri(length: max(QRCode.byteCapacity(version: version, errorCorrection: .medium), 1), seed: version)
            // act
            let code = try QRCode(text: text, errorCorrection: .medium)
            // check
            #expect(code.version == version && code.size == 4 * version + 17)
            #expect(try QRDecoder.decode(code) == text, "version \(version)")
        }
    }

    @Test func zbarReadsEveryMaskAndLevel() throws {
        for level in QRCode.ErrorCorrection.allCases {
            for version in [1, 2, 5, 7, 10, 14, 22] {
                let text = Self.uri(length: QRCode.byteCapacity(version: version, errorCorrection: level) - 1, seed: version)
                let code = try QRCode(text: text, errorCorrection: level)
                #expect(code.version == version && code.errorCorrection == level)
                #expect(try QRDecoder.decode(code) == text, "\(level) version \(version)")
            }
        }
        let text = Self.uri(length: 120)
        for mask in 0...7 {
            let code = try QRCode(bytes: Array(text.utf8), mask: mask)
            #expect(code.mask == mask)
            #expect(try QRDecoder.decode(code) == text, "mask \(mask)")
        }
    }

    @Test func typicalURIsFromShortToLongAndUTF8() throws {
        for length in [10, 14, 15, 60, 90, 120, 150, 200, 213, 300] {
            let text = Self.uri(length: length, seed: length)
            let code = try QRCode(text: text)
            #expect(code.errorCorrection == .medium && QRCode.byteCapacity(version: code.version, errorCorrection: .medium) >= length)
            if code.version > 1 { #expect(QRCode.byteCapacity(version: code.version - 1, errorCorrection: .medium) < length) }
            #expect(try QRDecoder.decode(code) == text, "\(length) bytes")
        }
        // a ~120-byte provisioning URI fits in version 10 or below, as the enrolment page needs
        #expect(try QRCode(text: Self.uri(length: 125)).version <= 10)
        let accented = "otpauth://totp/Cl%C3%ADnica:jos%C3%A9?issuer=Clínica José&secret=JBSWY3DPEHPK3PXP"
        #expect(try QRDecoder.decode(try QRCode(text: accented)) == accented)
    }

    @Test func theSVGDrawsTheSameSymbol() throws {
        // setup
        let text = Self.uri(length: 118, seed: 7)
        let code = try QRCode(text: text)
        // act
        let svg = code.svg(moduleSize: 4, label: "a <label> & \"quotes\"")
        // check: an SVG renderer's picture decodes to the text; the label is escaped
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\"") && svg.hasSuffix("</svg>"))
        #expect(svg.contains("aria-label=\"a &lt;label&gt; &amp; &quot;quotes&quot;\""))
        #expect(try QRDecoder.decode(svg: svg) == text)
    }
}

@Suite("QR code on the TOTP enrolment page")
struct SecondFactorQRCodeTests {
    @Test func theEnrolmentPageShowsItsProvisioningURIAsAQRCodeAndKeepsTheKey() async throws {
        try await PortalHarness.with { h in
            // setup: reseller staff with their password given, not yet enrolled
            _ = try await h.users.create(accountID: h.reseller.id, email: "ops@resell.example", password: PortalHarness.password, scope: h.platform.scope)
            let ops = h.browser()
            try await ops.signIn("ops@resell.example", PortalHarness.password)
            // act
            let page = try await ops.get("/signin/second-factor")
            // check: an inline SVG (no script, no inline style) that reads back as the page's otpauth link
            #expect(page.status == 200)
            let svgRange = try #require(page.text.range(of: #"<svg[^>]*>.*?</svg>"#, options: .regularExpression))
            let svg = String(page.text[svgRange])
            #expect(!svg.contains("style=") && !svg.contains("<script"))
            let hrefRange = try #require(page.text.range(of: #"href="otpauth://[^"]+""#, options: .regularExpression))
            let uri = String(page.text[hrefRange].dropFirst(6).dropLast()).replacingOccurrences(of: "&amp;", with: "&")
            #expect(uri.hasPrefix("otpauth://totp/") && uri.contains("secret="))
            #expect(try QRDecoder.decode(svg: svg) == uri)
            // the typed key stays as the fallback
            #expect(PortalSecondFactorTests.key(in: page.text) != nil)
        }
    }
}
