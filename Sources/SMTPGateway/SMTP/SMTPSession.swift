import Foundation
import Logging
import NIOCore
import PagewireCore

/// One SMTP conversation (RFC 5321 with SIZE, 8BITMIME, PIPELINING, ENHANCEDSTATUSCODES).
/// Commands are handled strictly in order, so pipelined commands get their replies in order.
/// Recipients are checked at RCPT time; the message is stored through `MailIntake` before the
/// final 250, and any failure to store answers 451 so the client keeps the message and retries.
struct SMTPSession {
    let configuration: SMTPServerConfiguration
    let intake: MailIntake
    let limiter: SMTPRateLimiter
    let clientIP: String
    let logger: Logger

    private enum Phase { case start, ready, mail, data }

    private var phase = Phase.start
    private var helo = ""
    private var returnPath = ""
    private var recipients: [FaxMailAddress] = []
    private var companyID: Int64?
    private var badCommands = 0
    /// The original client as the MTA in front reports it (XFORWARD, from loopback only).
    private var forwardedIP: String?
    private var forwardedHelo: String?
    private var trustsXForward: Bool { clientIP == "127.0.0.1" || clientIP == "::1" }
    /// STARTTLS completed: EHLO no longer offers it, and lines of older decoders are dropped.
    private(set) var tlsActive = false
    /// Set when STARTTLS was accepted: the server must put TLS and a fresh decoder in place.
    var upgradeRequested = false

    // DATA state
    private var message: [UInt8] = []
    private var oversize = false
    private var longLine = false

    init(configuration: SMTPServerConfiguration, intake: MailIntake, limiter: SMTPRateLimiter, clientIP: String, logger: Logger) {
        self.configuration = configuration
        self.intake = intake
        self.limiter = limiter
        self.clientIP = clientIP
        self.logger = logger
    }

    var greeting: SMTPReply { SMTPReply(220, nil, "\(configuration.hostname) ESMTP Pagewire e-mail to fax") }

    /// The replies to one input line (none while message data arrives); `close` ends the session.
    mutating func handle(_ input: SMTPLine) async -> (replies: [SMTPReply], close: Bool) {
        if phase == .data { return await handleData(input) }
        guard case .line(let buffer) = input else {
            return bad(SMTPReply(500, "5.5.2", "line too long"))
        }
        guard let line = String(validating: buffer.readableBytesView, as: UTF8.self),
              !line.contains(where: { $0.asciiValue.map { $0 < 32 && $0 != 9 } ?? false })
        else { return bad(SMTPReply(500, "5.5.2", "command contains invalid characters")) }
        guard line.utf8.count <= 510 else { return bad(SMTPReply(500, "5.5.2", "command line too long")) }
        let command = SMTPCommand(line)
        switch command.verb {
        case "EHLO", "HELO":
            guard !command.argument.isEmpty else { return bad(SMTPReply(501, "5.5.4", "\(command.verb) needs a domain or address")) }
            helo = String(command.argument.prefix(255))
            resetTransaction()
            phase = .ready
            if command.verb == "HELO" { return ([SMTPReply(250, nil, "\(configuration.hostname)")], false) }
            var lines = ["\(configuration.hostname) greets \(helo)", "SIZE \(configuration.maxMessageBytes)", "8BITMIME", "PIPELINING"]
            if configuration.tls != nil && !tlsActive { lines.append("STARTTLS") }
            if trustsXForward { lines.append("XFORWARD NAME ADDR PROTO HELO") }
            lines.append("ENHANCEDSTATUSCODES")
            return ([SMTPReply(250, lines: lines)], false)
        case "MAIL": return await mail(command.argument)
        case "RCPT": return await rcpt(command.argument)
        case "DATA":
            guard phase == .mail else { return bad(SMTPReply(503, "5.5.1", "send MAIL FROM first")) }
            guard !recipients.isEmpty else { return bad(SMTPReply(554, "5.5.1", "no valid recipients")) }
            guard command.argument.isEmpty else { return bad(SMTPReply(501, "5.5.4", "DATA takes no argument")) }
            phase = .data
            message = []
            message.reserveCapacity(64 << 10)
            return ([SMTPReply(354, nil, "end data with <CR><LF>.<CR><LF>")], false)
        case "RSET":
            resetTransaction()
            if phase != .start { phase = .ready }
            return ([SMTPReply(250, "2.0.0", "ok")], false)
        case "NOOP": return ([SMTPReply(250, "2.0.0", "ok")], false)
        case "XFORWARD": return xforward(command.argument)
        case "QUIT": return ([SMTPReply(221, "2.0.0", "\(configuration.hostname) closing connection")], true)
        case "VRFY": return ([SMTPReply(252, "2.5.2", "cannot verify; send the message and a notice will answer")], false)
        case "HELP": return ([SMTPReply(214, "2.0.0", "send a document to <fax number>@<your company's fax domain>")], false)
        case "STARTTLS":
            guard configuration.tls != nil else { return bad(SMTPReply(502, "5.5.1", "STARTTLS is not offered on this listener")) }
            guard !tlsActive else { return bad(SMTPReply(503, "5.5.1", "TLS is already active")) }
            guard command.argument.isEmpty else { return bad(SMTPReply(501, "5.5.4", "STARTTLS takes no argument")) }
            guard phase != .mail else { return bad(SMTPReply(503, "5.5.1", "STARTTLS in the middle of a transaction")) }
            // RFC 3207: everything known before TLS is forgotten; the client starts over with EHLO.
            resetTransaction()
            helo = ""
            phase = .start
            tlsActive = true
            upgradeRequested = true
            return ([SMTPReply(220, "2.0.0", "ready to start TLS")], false)
        case "BDAT", "EXPN", "TURN", "ETRN": return bad(SMTPReply(502, "5.5.1", "\(command.verb) is not implemented"))
        default: return bad(SMTPReply(500, "5.5.1", "command not recognised"))
        }
    }

    private mutating func mail(_ argument: String) async -> (replies: [SMTPReply], close: Bool) {
        guard phase != .start else { return bad(SMTPReply(503, "5.5.1", "send EHLO first")) }
        guard phase == .ready else { return bad(SMTPReply(503, "5.5.1", "nested MAIL command")) }
        guard let (address, parameters) = SMTPCommand.path(argument, prefix: "FROM:") else {
            return bad(SMTPReply(501, "5.5.4", "syntax: MAIL FROM:<address>"))
        }
        for (key, value) in parameters {
            switch key {
            case "SIZE":
                guard let size = Int(value) else { return bad(SMTPReply(501, "5.5.4", "SIZE needs a number")) }
                if size > configuration.maxMessageBytes {
                    return ([SMTPReply(552, "5.3.4", "message size \(size) exceeds the limit of \(configuration.maxMessageBytes) bytes")], false)
                }
            case "BODY":
                guard ["7BIT", "8BITMIME"].contains(value.uppercased()) else { return bad(SMTPReply(501, "5.5.4", "BODY is 7BIT or 8BITMIME")) }
            default:
                return bad(SMTPReply(555, "5.5.4", "parameter \(key) is not supported"))
            }
        }
        guard address.utf8.count <= 254 else { return bad(SMTPReply(501, "5.1.7", "sender address too long")) }
        // Behind the MTA, the client the MTA reported (XFORWARD) is the one to limit.
        let client = forwardedIP ?? clientIP
        do {
            if case .limited(let reason) = try await limiter.admitMessage(ip: client, sender: address) {
                logger.notice("smtp rate limit", metadata: ["smtp.client": "\(client)"])
                return ([SMTPReply(450, "4.7.1", reason)], false)
            }
        } catch {
            logger.error("smtp rate counters unavailable", metadata: ["error": "\(error)"])
            return ([SMTPReply(451, "4.3.0", "temporary failure; try again later")], false)
        }
        returnPath = address
        phase = .mail
        return ([SMTPReply(250, "2.1.0", "sender ok")], false)
    }

    /// Postfix's XFORWARD: the MTA in front names the client it received the message from, so
    /// SPF and the records see the sender's address rather than the MTA's.
    private mutating func xforward(_ argument: String) -> (replies: [SMTPReply], close: Bool) {
        guard trustsXForward else { return bad(SMTPReply(550, "5.7.0", "XFORWARD is accepted from the local MTA only")) }
        guard phase == .ready else { return bad(SMTPReply(503, "5.5.1", "XFORWARD goes before MAIL")) }
        for word in argument.split(separator: " ") {
            let pair = word.split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2 else { return bad(SMTPReply(501, "5.5.4", "syntax: XFORWARD ATTR=value")) }
            let value = pair[1]
            guard !value.hasPrefix("["), value.count <= 255 else { continue }  // [UNAVAILABLE], [TEMPUNAVAIL]
            switch pair[0].uppercased() {
            case "ADDR":
                let address = value.uppercased().hasPrefix("IPV6:") ? String(value.dropFirst(5)) : value
                guard address.allSatisfy({ $0.isHexDigit || $0 == "." || $0 == ":" }) else {
                    return bad(SMTPReply(501, "5.5.4", "XFORWARD ADDR is not an IP address"))
                }
                forwardedIP = address
            case "HELO": forwardedHelo = value
            default: continue
            }
        }
        return ([SMTPReply(250, "2.0.0", "ok")], false)
    }

    private mutating func rcpt(_ argument: String) async -> (replies: [SMTPReply], close: Bool) {
        guard phase == .mail else { return bad(SMTPReply(503, "5.5.1", "send MAIL FROM first")) }
        guard let (address, parameters) = SMTPCommand.path(argument, prefix: "TO:") else {
            return bad(SMTPReply(501, "5.5.4", "syntax: RCPT TO:<number@fax domain>"))
        }
        guard parameters.isEmpty else { return bad(SMTPReply(555, "5.5.4", "RCPT parameters are not supported")) }
        guard recipients.count < configuration.maxRecipients else {
            return ([SMTPReply(452, "4.5.3", "too many recipients; send the rest in another message")], false)
        }
        let check: RecipientCheck
        do {
            check = try await intake.checkRecipient(address)
        } catch {
            logger.error("smtp recipient check failed", metadata: ["error": "\(error)"])
            return ([SMTPReply(451, "4.3.0", "temporary failure checking the recipient; try again later")], false)
        }
        switch check {
        case .rejected(let reason):
            return ([SMTPReply(550, "5.1.1", reason)], false)
        case .accepted(let recipient, let company):
            if let companyID, companyID != company {
                return ([SMTPReply(452, "4.5.3", "recipients of another company; send them in a separate message")], false)
            }
            companyID = company
            if recipients.contains(where: { $0.number == recipient.number && $0.domain == recipient.domain }) {
                return ([SMTPReply(250, "2.1.5", "duplicate recipient ignored")], false)
            }
            recipients.append(recipient)
            return ([SMTPReply(250, "2.1.5", "fax to \(recipient.number.formatted)")], false)
        }
    }

    private mutating func handleData(_ input: SMTPLine) async -> (replies: [SMTPReply], close: Bool) {
        guard case .line(let buffer) = input else {
            longLine = true
            return ([], false)
        }
        var line = buffer
        if line.readableBytesView.first == UInt8(ascii: ".") {
            if line.readableBytes == 1 { return await endOfData() }
            line.moveReaderIndex(forwardBy: 1)  // dot-unstuffing (RFC 5321 §4.5.2)
        }
        if line.readableBytes > configuration.maxLineLength { longLine = true }
        if !oversize {
            if message.count + line.readableBytes + 2 > configuration.maxMessageBytes {
                oversize = true
                message = []
            } else {
                line.withUnsafeReadableBytes { message.append(contentsOf: $0) }
                message.append(13)
                message.append(10)
            }
        }
        return ([], false)
    }

    private mutating func endOfData() async -> (replies: [SMTPReply], close: Bool) {
        defer {
            resetTransaction()
            phase = .ready
        }
        if oversize {
            return ([SMTPReply(552, "5.3.4", "message exceeds the size limit of \(configuration.maxMessageBytes) bytes")], false)
        }
        if longLine {
            return ([SMTPReply(500, "5.5.2", "a line of the message exceeds \(configuration.maxLineLength) characters (RFC 5321)")], false)
        }
        guard let companyID else { return ([SMTPReply(554, "5.5.1", "no valid recipients")], false) }
        let envelope = InboundEnvelope(
            clientIP: forwardedIP ?? clientIP, helo: forwardedHelo ?? helo, returnPath: returnPath, recipients: recipients, companyID: companyID)
        do {
            let id = try await intake.store(envelope, raw: message)
            logger.info("smtp message stored", metadata: [
                "mail.id": "\(id)", "smtp.client": "\(clientIP)", "mail.bytes": "\(message.count)", "mail.recipients": "\(recipients.count)",
            ])
            return ([SMTPReply(250, "2.0.0", "queued as \(id); a notice will follow")], false)
        } catch {
            logger.error("smtp message not stored", metadata: ["smtp.client": "\(clientIP)", "error": "\(error)"])
            return ([SMTPReply(451, "4.3.0", "the message could not be stored; try again later")], false)
        }
    }

    private mutating func resetTransaction() {
        forwardedIP = nil
        forwardedHelo = nil
        returnPath = ""
        recipients = []
        companyID = nil
        message = []
        oversize = false
        longLine = false
        if phase == .mail || phase == .data { phase = .ready }
    }

    /// A reply to a bad command; after ten of them the client is not speaking SMTP: 421 and close.
    private mutating func bad(_ reply: SMTPReply) -> (replies: [SMTPReply], close: Bool) {
        badCommands += 1
        if badCommands >= 10 {
            return ([reply, SMTPReply(421, "4.7.0", "\(configuration.hostname) too many errors, closing connection")], true)
        }
        return ([reply], false)
    }
}
