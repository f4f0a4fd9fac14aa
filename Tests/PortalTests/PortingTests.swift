import Foundation
import PagewireCore
import Testing

@Suite("Number porting in the portal")
struct PortingTests {
    /// Company A's admin (the customer, with the inventory right) and the reseller's porting team.
    static func people(_ h: PortalHarness) async throws -> (customer: User, staff: User) {
        try await h.users.grant(userID: h.userA.id, accountID: h.companyA.id, rights: AdminRight.all, scope: h.platform.scope)
        let staff = try await h.users.create(accountID: h.reseller.id, email: "porting@faxresell.example", displayName: "Pat Porting",
                                             password: PortalHarness.password, scope: h.platform.scope)
        try await h.users.grant(userID: staff.id, accountID: h.reseller.id, rights: [.faxPoolInventory], scope: h.platform.scope)
        try await BrandRepository(database: h.database).save(
            Brand(accountID: h.reseller.id, name: "Northwind Fax", pageTitle: "Northwind Fax", logoURL: nil, footerText: "Northwind",
                  primaryColour: "#123456", accentColour: "#654321", supportEmail: "support@northwind.example"),
            accountID: h.reseller.id, scope: h.platform.scope)
        return (h.userA, staff)
    }

    static let pdf = Array("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".utf8)

    static func form(_ csrf: String, business: String = "Clinic LLC", numbers: String = "3125550101\n3125550102") -> [(String, String)] {
        [("csrf", csrf), ("contact_name", "Dana Porter"), ("contact_email", "dana@clinic.example"), ("country_code", "1"),
         ("numbers", numbers), ("btn_same", "yes"), ("business_name", business), ("street_1", "1 Main St"), ("city_1", "Chicago"),
         ("region_1", "IL"), ("postal_1", "60601")]
    }

    @Test func pagesAreScopedToTheTenantAndNeedTheRightRole() async throws {
        try await PortalHarness.with { h in
            let (customer, staff) = try await Self.people(h)
            let alice = h.browser()
            try await alice.signIn(customer.email, PortalHarness.password)
            let csrf = TestBrowser.csrf(in: try await alice.get("/porting/new").text) ?? ""
            // Bad input: every problem reported, nothing created.
            let refused = try await alice.post("/porting/review", [("csrf", csrf), ("numbers", "12\nabc"), ("contact_email", "x")])
            #expect(refused.status == 400 && refused.text.contains("abc") && refused.text.contains("business name"))
            #expect(try await alice.post("/porting", [("csrf", csrf), ("numbers", String(repeating: "1", count: 5000))]).status == 400)
            #expect(try await h.database.query("SELECT COUNT(*) AS n FROM port_requests")[0].get("n", as: Int.self) == 0)
            let review = try await alice.post("/porting/review", Self.form(csrf))
            #expect(review.status == 200 && review.text.contains("Confirm and create the request") && review.text.contains("+13125550102"))
            let created = try await alice.post("/porting", Self.form(csrf))
            #expect(created.status == 303)
            let path = try #require(created.header("Location")?.split(separator: "?").first.map(String.init))
            let page = try await alice.get(path)
            #expect(page.status == 200 && page.text.contains("Numbers to port (2)"))
            // A file that is not a PDF or an image is refused.
            let exe = try await alice.postMultipart(path + "/files", fields: [("csrf", csrf), ("kind", "csr")],
                                                    files: [("file", "csr.exe", "application/octet-stream", Array("MZ\u{90}\0".utf8))])
            #expect(exe.status == 400 && exe.text.contains("PDF, TIFF, PNG or JPEG"))
            let loa = try await alice.get(path + "/loa.pdf")
            #expect(loa.status == 200 && loa.header("Content-Type") == "application/pdf" && loa.text.contains("(Business name"))
            // The customer cannot act as the porting team.
            #expect(try await alice.post(path + "/start", [("csrf", csrf)]).status == 403)

            // Another tenant and a user without the inventory right see nothing of it.
            let bob = h.browser()
            try await bob.signIn(h.userB.email, PortalHarness.password)
            #expect(try await bob.get("/porting").status == 403)
            try await h.users.grant(userID: h.userB.id, accountID: h.companyB.id, rights: [.faxPoolInventory], scope: h.platform.scope)
            let bobAdmin = h.browser()
            try await bobAdmin.signIn(h.userB.email, PortalHarness.password)
            #expect(try await bobAdmin.get("/porting").text.contains("PRT-") == false)
            #expect(try await bobAdmin.get(path).status == 404)
            #expect(try await bobAdmin.get(path + "/loa.pdf").status == 404)
            let bobCSRF = TestBrowser.csrf(in: try await bobAdmin.get("/porting/new").text) ?? ""
            #expect(try await bobAdmin.post(path + "/cancel", [("csrf", bobCSRF)]).status == 404)
            #expect(try await bobAdmin.post(path + "/notes", [("csrf", bobCSRF), ("body", "hello")]).status == 404)

            // The reseller's porting team sees it and may start it only once submitted.
            let pat = h.browser()
            try await pat.signIn(staff.email, PortalHarness.password)
            try await PortalSecondFactorTests.pass(pat)
            #expect(try await pat.get("/porting").text.contains("Clinic LLC"))
            let patCSRF = TestBrowser.csrf(in: try await pat.get(path).text) ?? ""
            let early = try await pat.post(path + "/start", [("csrf", patCSRF)])
            #expect(early.status == 400 && early.text.contains("cannot be started"))
            #expect(try await pat.get("/porting/new").status == 403)
        }
    }

    @Test func aWholePortInTheBrowserWithARejectionAndBrandedEmails() async throws {
        try await PortalHarness.with { h in
            // fails at once when the tests were not started by scripts/test (no browser venv)
            _ = try BrowserWalkthrough.python()
            let (customer, staff) = try await Self.people(h)
            let sink = try SMTPSink()
            defer { sink.stop() }
            let processes = try PagewireProcesses(h.test)
            defer { processes.stop() }
            let directory = processes.directory
            try Data(Self.pdf).write(to: URL(fileURLWithPath: directory + "/csr.pdf"))
            _ = try await processes.startJobs(environment: [
                "PAGEWIRE_MAIL_SMTP_URL": "smtp://127.0.0.1:\(sink.port)", "PAGEWIRE_MAIL_FROM": "porting@northwind.example",
            ])

            let walk = try BrowserWalkthrough.run("port_walkthrough.py", [
                "--base", "http://localhost:\(h.port)", "--customer", customer.email, "--staff", staff.email,
                "--password", PortalHarness.password, "--csr", directory + "/csr.pdf", "--screenshots", BrowserWalkthrough.screenshots])
            #expect(walk.status == 0, "\(walk.transcript)")
            // The staff member's enrolment page, as Chromium drew it, holds a QR code of their TOTP key.
            let enrolment = try QRDecoder.decode(imageAt: BrowserWalkthrough.screenshots + "/second-factor-enrol.png")
            #expect(enrolment.hasPrefix("otpauth://totp/") && enrolment.contains(staff.email) && enrolment.contains("secret="))

            // The port completed: the numbers are in company A's inventory, ported, able to receive.
            let request = try #require(try await PortRequestRepository(database: h.database).list(scope: h.companyA.scope).first)
            #expect(request.state == .completed && request.focDate == "2026-12-20" && request.details.businessName == "Clinic, L.L.C.")
            let numbers = try await NumberRepository(database: h.database).inventory(of: h.companyA.id, scope: h.companyA.scope)
            #expect(numbers.map(\.e164) == ["+13125550101", "+13125550102"] && numbers.allSatisfy { $0.ported && $0.state == .unassigned })

            // The signed letter holds the corrected request's data and the signature record.
            let alice = h.browser()
            try await alice.signIn(customer.email, PortalHarness.password)
            let page = try await alice.get("/porting/\(request.id)")
            let link = try #require(page.text.range(of: #"href="/porting/\d+/files/\d+">Download the signed letter"#, options: .regularExpression)
                .map { String(page.text[$0].dropFirst(6).prefix { $0 != "\"" }) })
            // (PDF strings escape parentheses)
            let signed = try await alice.get(link).text.replacingOccurrences(of: "\\(", with: "(").replacingOccurrences(of: "\\)", with: ")")
            for expected in ["Business name (as on the current carrier's bill): Clinic, L.L.C.", "Billing telephone number (BTN): +13125550101",
                             "Service address 1: 1 Main St, Chicago, IL 60601", "+13125550102", "Signed by: Dana Porter", "Title: Office manager",
                             "from IP address 127.0.0.1", "Gaining provider: Northwind Fax"] {
                #expect(signed.contains(expected), "the signed LOA lacks \(expected)")
            }

            // Each update reached the contact through the real SMTP server, in the reseller's brand.
            var subjects: [String] = []
            for _ in 0..<300 {
                subjects = sink.messages.compactMap { ($0["data"] as? String)?.split(whereSeparator: \.isNewline).first { $0.hasPrefix("Subject: ") }.map { String($0.dropFirst(9)).trimmingCharacters(in: .whitespacesAndNewlines) } }
                if subjects.count >= 8 { break }
                try await Task.sleep(for: .milliseconds(200))
            }
            let id = request.trackingID
            #expect(Set(subjects) == ["Port request \(id) received", "Port request \(id) sent to your current carrier", "Port request \(id) needs your action",
                                      "Port request \(id) scheduled for 2026-12-20", "New message about port request \(id)", "Port request \(id) completed"])
            #expect(subjects.count == 8)
            let texts = sink.messages.compactMap { $0["data"] as? String }
            #expect(texts.allSatisfy { $0.contains("From: Northwind Fax <porting@northwind.example>") && $0.contains("support@northwind.example") })
            #expect(texts.contains { $0.contains("Business name does not match the CSR: Clinic, L.L.C.") && $0.contains("Action required") })
            #expect(sink.messages.allSatisfy { ($0["rcpt_tos"] as? [String]) == ["dana@clinic.example"] })
        }
    }
}
