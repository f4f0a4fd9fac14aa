import Foundation
import PagewireCore
import SMTPGateway
import Testing

@Suite("E-mail to fax gateway")
struct SMTPGatewayTests {
    static let domain = MailFixture.domain

    @Test func eachAddressFormBecomesOneFaxAndTheMessageIsDurableBefore250() async throws {
        try await MailFixture.with { f in
            // setup
            let to = ["2065550100@\(Self.domain)", "+442071234567@FAX.Clinic.Example", "00442071234568@\(Self.domain)", "011442071234569@\(Self.domain)."]
            // act
            let sent = try await f.send(from: MailFixture.senderAddress, to: to, scenario: "pdf")
            // check: the 250 came only after the row, the encrypted raw message and the work item were committed
            #expect(sent.ok && sent.refused.isEmpty, "\(sent)")
            #expect(Set(sent.esmtp ?? []).isSuperset(of: ["size", "8bitmime", "pipelining"]))
            let stored = try await f.lastMessage()
            #expect(stored.state == "received")
            let raw = try await f.database.query(
                "SELECT d.content_type, d.id FROM mail_messages m JOIN documents d ON d.id = m.document_id WHERE m.id = ?", stored.id)[0]
            #expect(try raw.get("content_type", as: String.self) == "message/rfc822")
            let bytes = try await f.vault.documents.read(try raw.get("id"), companyID: f.company.id, reader: .system(purpose: "test"))
            #expect(String(decoding: bytes, as: UTF8.self).contains("Subject: Lab results"))
            #expect(try await f.database.query("SELECT id FROM work WHERE kind = 'mail.intake'").count == 1)

            // act: the jobs worker processes it
            #expect(try await f.processQueuedMail() == 1)
            // check: one fax per recipient, for the sender, with the cover text and the PDF
            let done = try await f.lastMessage()
            #expect(done.state == "accepted" && done.resultCode == "ok")
            #expect(done.faxIDs.count == 4)
            var numbers: [String] = []
            for id in done.faxIDs {
                let fax = try await f.fax(id)
                numbers.append(fax.number)
                #expect(fax.userID == f.sender.id && fax.state == "submitted")
                let docs = try await f.documents(ofFax: id)
                #expect(docs.map(\.role) == ["cover", "original"])
                let cover = try CoverPageRequest.decoded(from: docs[0].bytes)
                #expect(cover.subject == "Lab results")
                #expect(cover.message == "Please fax this.\nThanks, Dr. Roe")
                #expect(cover.senderName == "Dr. Roe" && docs[0].contentType == CoverPageRequest.contentType)
                #expect(docs[1].contentType == "application/pdf")
                #expect(String(decoding: docs[1].bytes, as: UTF8.self).hasPrefix("%PDF-1.4") && String(decoding: docs[1].bytes, as: UTF8.self).contains("% report"))
            }
            #expect(numbers == ["+12065550100", "+442071234567", "+442071234568", "+442071234569"])
            let notice = try #require(try await f.notice(for: done.id))
            #expect(notice.to == MailFixture.senderAddress && notice.resultCode == "ok" && notice.faxIDs == done.faxIDs)
            #expect(notice.headers["Auto-Submitted"] == "auto-generated" && notice.headers["In-Reply-To"]?.hasSuffix("@client.example>") == true)
            #expect(notice.subject == "Fax accepted: Lab results")
            for id in done.faxIDs { #expect(notice.text.contains("fax id \(id)")) }
            // check: a repeated work item changes nothing (at-least-once queue)
            #expect(try await f.intake.process(messageID: done.id) == .alreadyProcessed)
            #expect(try await f.notices().count == 1)
        }
    }

    @Test func badRecipientsAreRefusedAtRCPTWithAReason() async throws {
        try await MailFixture.with { f in
            // setup
            let bad = [
                "206-555-0101@\(Self.domain)": "digits only",
                "12345@\(Self.domain)": "neither a 10-digit",
                "2065550102@unknown.example": "not a fax domain",
                "+0442071234567@\(Self.domain)": "country code",
                "1065550100@\(Self.domain)": "area code",
                "fax@\(Self.domain)": "digits only",
            ]
            // act
            let sent = try await f.send(from: MailFixture.senderAddress, to: ["2065550100@\(Self.domain)"] + bad.keys.sorted(), scenario: "pdf")
            // check
            #expect(sent.ok, "\(sent)")
            for (address, reason) in bad {
                let refusal = try #require(sent.refusal(address), "\(address) was not refused")
                #expect(refusal.code == 550 && refusal.text.contains("5.1.1") && refusal.text.contains(reason), "\(address): \(refusal.text)")
            }
            #expect(try await f.processQueuedMail() == 1)
            #expect(try await f.lastMessage().faxIDs.count == 1)
            // act: every recipient bad → the client gets the refusals, nothing is stored
            let none = try await f.send(from: MailFixture.senderAddress, to: ["12@\(Self.domain)"], scenario: "pdf")
            #expect(!none.ok && none.error == "recipients" && none.refusal("12@\(Self.domain)")?.code == 550)
            // act: a second company's recipient in the same message → 452, so the client sends it separately
            let mixed = try await f.send(from: MailFixture.senderAddress, to: ["2065550100@\(Self.domain)", "2065550100@\(MailFixture.otherDomain)"], scenario: "pdf")
            #expect(mixed.refusal("2065550100@\(MailFixture.otherDomain)")?.code == 452)
            #expect(try await f.messages().count == 2)
        }
    }

    @Test func attachmentsKeepTheirOrderNamesAndEncodingsInlineImagesAreNotDocuments() async throws {
        try await MailFixture.with { f in
            // act
            #expect(try await f.send(from: MailFixture.senderAddress, to: ["2065550100@\(Self.domain)"], scenario: "ordered").ok)
            #expect(try await f.send(from: MailFixture.senderAddress, to: ["2065550100@\(Self.domain)"], scenario: "rfc2047").ok)
            #expect(try await f.send(from: MailFixture.senderAddress, to: ["2065550100@\(Self.domain)"], scenario: "forwarded").ok)
            #expect(try await f.processQueuedMail() == 3)
            let messages = try await f.messages()
            #expect(messages.map(\.state) == ["accepted", "accepted", "accepted"], "\(messages.map(\.detail))")

            // check: multipart/alternative + related picture, then PDF (RFC 2231 name), TIFF, QP text
            let ordered = try await f.documents(ofFax: try #require(messages[0].faxIDs.first))
            #expect(ordered.map(\.role) == ["cover", "original", "original", "original"])
            let cover = try CoverPageRequest.decoded(from: ordered[0].bytes)
            #expect(cover.subject == "Überweisung für Müller" && cover.message == "Cover message line 1\nline 2")
            #expect(ordered[1].contentType == "application/pdf" && String(decoding: ordered[1].bytes, as: UTF8.self).contains("% first"))
            #expect(ordered[2].contentType == "image/tiff" && ordered[2].bytes.starts(with: Array("II*\u{0}second".utf8)))
            #expect(ordered[3].contentType == "text/plain" && String(decoding: ordered[3].bytes, as: UTF8.self).hasPrefix("Notes: café = 3€\r\n"))
            let parsed = try GMimeMessageParser().parse(try await rawMessage(f, messages[0].id))
            #expect(parsed.attachments.map(\.name) == ["Résumé ü.pdf", "scan.tif", "notes.txt"])

            // check: RFC 2047 words in the name and subject; an empty body means no cover page (on demand)
            let rfc2047 = try await f.documents(ofFax: try #require(messages[1].faxIDs.first))
            #expect(rfc2047.map(\.role) == ["original"] && String(decoding: rfc2047[0].bytes, as: UTF8.self).contains("% rfc2047"))
            let parsed2047 = try GMimeMessageParser().parse(try await rawMessage(f, messages[1].id))
            #expect(parsed2047.attachments.map(\.name) == ["Befund Zoë.pdf"] && parsed2047.subject == "Befund für Zoë")

            // check: the forwarded message's document comes first, then the outer one
            let forwarded = try await f.documents(ofFax: try #require(messages[2].faxIDs.first))
            #expect(forwarded.map { String(decoding: $0.bytes, as: UTF8.self).contains("% forwarded") } == [true, false])
            #expect(forwarded.map { String(decoding: $0.bytes, as: UTF8.self).contains("% outer") } == [false, true])
        }
    }

    @Test func everyRefusalIsAnsweredWithItsReason() async throws {
        try await MailFixture.with { f in
            let to = ["2065550100@\(Self.domain)"]
            // act
            let cases: [(from: String, scenario: String)] = [
                ("stranger@evil.example", "pdf"), (MailFixture.senderAddress, "no-attachment"), (MailFixture.senderAddress, "unsupported"),
                (MailFixture.senderAddress, "tnef"), (MailFixture.senderAddress, "malformed"), (MailFixture.scannerAddress, "pdf"),
                (MailFixture.senderAddress, "cover-only"), (MailFixture.senderAddress, "nested"),
            ]
            for c in cases { #expect(try await f.send(from: c.from, to: to, scenario: c.scenario).ok, "\(c)") }
            #expect(try await f.processQueuedMail() == cases.count)
            let m = try await f.messages()
            // check
            #expect(m.map(\.resultCode) == ["unauthorized_sender", "no_attachment", "invalid_attachment", "invalid_attachment", "invalid_attachment", "ok", "ok", "invalid_attachment"], "\(m.map(\.detail))")
            #expect(m[0].detail?.contains("stranger@evil.example is not a registered sending address") == true)
            #expect(m[2].detail?.contains("setup.exe") == true)
            #expect(m[3].detail?.contains("winmail.dat") == true)
            #expect(m[7].detail?.contains("more than 500 nested or multipart MIME containers") == true, "\(m[7].detail ?? "")")
            #expect(try await f.fax(try #require(m[5].faxIDs.first)).userID == f.scannerUser.id)
            #expect(try await f.documents(ofFax: try #require(m[6].faxIDs.first)).map(\.role) == ["cover"])
            for message in m { #expect(message.notice == "queued") }
            let notices = try await f.notices()
            #expect(notices.count == cases.count)
            let unauthorised = try #require(try await f.notice(for: m[0].id))
            #expect(unauthorised.to == "stranger@evil.example" && unauthorised.resultCode == "unauthorized_sender")
            #expect(unauthorised.subject == "Fax not sent: Unauthorized Sending Address" && unauthorised.text.contains("registered"))
            #expect(try await f.notice(for: m[1].id)?.text.contains("attach at least one document") == true)
            for n in notices { #expect(n.headers["Auto-Submitted"] == "auto-generated") }
            #expect(try await f.database.query("SELECT COUNT(*) AS n FROM faxes")[0].get("n", as: Int.self) == 2)

            // act: a company that requires an attachment refuses a body-only e-mail
            try await SettingsRepository(database: f.database).set(
                Settings.coverPageBehaviour, to: .withBodyTextRequiresAttachment, atAccount: f.company.id, scope: f.company.scope)
            #expect(try await f.send(from: MailFixture.senderAddress, to: to, scenario: "cover-only").ok)
            #expect(try await f.processQueuedMail() == 1)
            #expect(try await f.lastMessage().resultCode == "no_attachment")
        }
    }

    @Test func automaticMessagesNeverGetANoticeSoNoLoopStarts() async throws {
        try await MailFixture.with { f in
            let to = ["2065550100@\(Self.domain)"]
            // act: an auto-reply, one of our own notices coming back, and a null return path
            #expect(try await f.send(from: MailFixture.senderAddress, to: to, scenario: "auto-reply").ok)
            #expect(try await f.send(from: "fax-notices@pagewire.local", to: to, scenario: "notice-loop").ok)
            #expect(try await f.send(from: MailFixture.senderAddress, to: to, scenario: "pdf", envelopeFrom: "").ok)
            #expect(try await f.processQueuedMail() == 3)
            // check: each was decided and recorded, none answered
            let m = try await f.messages()
            #expect(m.map(\.resultCode) == ["ok", "unauthorized_sender", "ok"])
            #expect(m.map(\.notice) == ["suppressed_automatic", "suppressed_automatic", "suppressed_automatic"])
            #expect(try await f.notices().isEmpty)
        }
    }

    @Test func swaksSendsAFax() async throws {
        try await MailFixture.with { f in
            // setup
            let file = NSTemporaryDirectory() + "pw-swaks-\(UInt32.random(in: 0...UInt32.max)).pdf"
            try Data("%PDF-1.4\n% swaks document\n%%EOF\n".utf8).write(to: URL(fileURLWithPath: file))
            defer { try? FileManager.default.removeItem(atPath: file) }
            // act
            let out = try await MailFixture.run("/usr/bin/swaks", [
                "--server", "127.0.0.1", "--port", String(f.port), "--from", MailFixture.senderAddress, "--to", "4155550123@\(Self.domain)",
                "--header", "Subject: via swaks", "--body", "swaks body", "--attach-type", "application/pdf", "--attach-name", "swaks.pdf",
                "--attach", "@" + file,
            ])
            // check
            #expect(String(decoding: out, as: UTF8.self).contains("250 2.0.0 queued as"))
            #expect(try await f.processQueuedMail() == 1)
            let m = try await f.lastMessage()
            #expect(m.resultCode == "ok", "\(m.detail ?? "")")
            let docs = try await f.documents(ofFax: try #require(m.faxIDs.first))
            #expect(docs.map(\.role) == ["cover", "original"])
            #expect(String(decoding: docs[1].bytes, as: UTF8.self).contains("% swaks document"))
            #expect(try await f.fax(m.faxIDs[0]).number == "+14155550123")
        }
    }

    @Test func limitsAndAMessageThatCannotBeProcessedAreStillAnswered() async throws {
        try await MailFixture.with { f in
            let to = ["2065550100@\(Self.domain)", "2065550101@\(Self.domain)"]
            // setup: the company may send one fax a day
            try await SettingsRepository(database: f.database).set(Settings.dailyFaxLimit, to: 1, atAccount: f.company.id, scope: f.company.scope)
            // act
            #expect(try await f.send(from: MailFixture.senderAddress, to: to, scenario: "pdf").ok)
            #expect(try await f.processQueuedMail() == 1)
            // check: nothing half-created, the reason in the notice
            let limited = try await f.lastMessage()
            #expect(limited.resultCode == "limit_exceeded" && limited.faxIDs.isEmpty)
            #expect(try await f.notice(for: limited.id)?.text.contains("daily limit") == true)
            #expect(try await f.database.query("SELECT COUNT(*) AS n FROM faxes")[0].get("n", as: Int.self) == 0)

            // setup: a stored message whose vault document became unreadable, on its last attempt
            #expect(try await f.send(from: MailFixture.senderAddress, to: to, scenario: "pdf").ok)
            let broken = try await f.lastMessage()
            try await f.database.execute(
                "UPDATE document_chunks SET bytes = REPEAT('x', 64) WHERE document_id = (SELECT document_id FROM mail_messages WHERE id = ?)", broken.id)
            try await f.database.execute("UPDATE work SET attempts = max_attempts - 1 WHERE kind = ?", MailIntake.processKind)
            // act
            #expect(try await f.processQueuedMail() == 1)
            // check: refused with general_error and answered at the return path
            let answered = try await f.lastMessage()
            #expect(answered.resultCode == "general_error" && answered.notice == "queued")
            #expect(try await f.notice(for: broken.id)?.to == MailFixture.senderAddress)
        }
    }

    func rawMessage(_ f: MailFixture, _ id: Int64) async throws -> [UInt8] {
        let row = try await f.database.query("SELECT document_id FROM mail_messages WHERE id = ?", id)[0]
        // The transit copy was released after processing; a key holder reads it.
        let admin = try await f.database.query("SELECT id FROM users WHERE account_id = ? ORDER BY id LIMIT 1", f.company.id)[0].get("id", as: Int64.self)
        let user = try await f.vault.keyring.unlockUser(userID: admin, password: "admin-pw")
        let key = try await f.vault.keyring.unlockCompany(companyID: f.company.id, with: user)
        return try await f.vault.documents.read(try row.get("document_id"), companyID: f.company.id, reader: .user(key, actor: .user(admin, label: "test")))
    }
}
