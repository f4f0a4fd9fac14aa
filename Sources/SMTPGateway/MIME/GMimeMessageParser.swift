private import CGMime
import Foundation
import PagewireCore

/// Reads e-mail with GMime 3: documents in order (through nested multiparts and forwarded
/// `message/rfc822` parts, which `g_mime_message_foreach` would skip), base64 and
/// quoted-printable decoded, names decoded from RFC 2231 / RFC 2047, inline images and
/// signatures left out, the top-level text as the body. The only file that touches GMime.
public struct GMimeMessageParser: MailParser {
    /// A parser; GMime is initialised once per process.
    public init() {
        _ = Self.initialised
    }

    private static let initialised: Bool = {
        g_mime_init()
        return true
    }()

    /// Parses raw message bytes; throws `MIMEError.notAMessage` when GMime finds no message at all.
    public func parse(_ raw: [UInt8]) throws -> ParsedMail {
        // GMime's parser recurses into every container; refuse absurd nesting before it starts.
        let containers = Self.count("multipart/", in: raw) + Self.count("message/rfc822", in: raw)
        guard containers <= Self.maxContainers else { throw MIMEError.tooManyContainers(Self.maxContainers) }
        let stream: UnsafeMutablePointer<GMimeStream>? = raw.withUnsafeBufferPointer { buffer in
            buffer.baseAddress.map { base in
                base.withMemoryRebound(to: CChar.self, capacity: buffer.count) { g_mime_stream_mem_new_with_buffer($0, buffer.count) }
            } ?? g_mime_stream_mem_new()
        }
        defer { pw_g_object_unref(stream) }
        let parser = g_mime_parser_new_with_stream(stream)
        defer { pw_g_object_unref(parser) }
        guard let message = g_mime_parser_construct_message(parser, nil) else { throw MIMEError.notAMessage }
        defer { pw_g_object_unref(message) }
        let object = pw_gmime_message_object(message)

        var name: UnsafePointer<CChar>?
        let from = pw_gmime_from_mailbox(message, &name).map { String(cString: $0) }
        var mail = ParsedMail(
            fromAddress: from?.isEmpty == false ? from : nil,
            fromName: name.map { String(cString: $0) } ?? "",
            subject: g_mime_message_get_subject(message).map { String(cString: $0) } ?? "",
            messageID: g_mime_message_get_message_id(message).map { String(cString: $0) })
        for header in ["Auto-Submitted", "Precedence", "X-Auto-Response-Suppress", "List-Id"] {
            if let value = g_mime_object_get_header(object, header) {
                mail.automaticHeaders[header.lowercased()] = String(cString: value)
            }
        }
        var walk = Walk()
        if let body = g_mime_message_get_mime_part(message) {
            walk.visit(body, forwarded: false, related: false, depth: 0)
        }
        mail.attachments = walk.attachments
        mail.unreadablePart = walk.unreadable
        mail.bodyText = (walk.plain ?? walk.html.map(Self.text(fromHTML:)) ?? "")
            .replacingOccurrences(of: "\r\n", with: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        return mail
    }

    /// Depth-first walk collecting documents and the first top-level text bodies.
    private struct Walk {
        var attachments: [MailAttachment] = []
        var plain: String?
        var html: String?
        var unreadable: String?

        mutating func visit(_ object: UnsafeMutablePointer<GMimeObject>, forwarded: Bool, related: Bool, depth: Int) {
            // Deeper nesting than any mail client produces is an attack on the stack.
            guard depth < 32 else {
                unreadable = unreadable ?? "the message nests MIME parts too deeply"
                return
            }
            let type = Self.mimeType(object)
            if pw_gmime_is_multipart(object) != 0 {
                let multipart = pw_gmime_as_multipart(object)
                let isRelated = type == "multipart/related"
                for i in 0..<max(0, g_mime_multipart_get_count(multipart)) {
                    if let child = g_mime_multipart_get_part(multipart, i) {
                        visit(child, forwarded: forwarded, related: related || isRelated, depth: depth + 1)
                    }
                }
                return
            }
            if pw_gmime_is_message_part(object) != 0 {
                if let inner = g_mime_message_part_get_message(pw_gmime_as_message_part(object)), let body = g_mime_message_get_mime_part(inner) {
                    visit(body, forwarded: true, related: false, depth: depth + 1)
                }
                return
            }
            guard pw_gmime_is_part(object) != 0 else { return }
            let part = pw_gmime_as_part(object)
            let disposition = g_mime_object_get_disposition(object).map { String(cString: $0).lowercased() }
            let fileName = g_mime_part_get_filename(part).map { String(cString: $0) } ?? ""
            let contentID = g_mime_object_get_content_id(object).map { String(cString: $0) }
            if type == "application/ms-tnef" || type == "application/vnd.ms-tnef" || fileName.lowercased() == "winmail.dat" {
                unreadable = unreadable ?? "winmail.dat (Outlook rich text) hides the attachments; send the e-mail in HTML or plain-text format"
                return
            }
            if ["application/pgp-signature", "application/pkcs7-signature", "application/x-pkcs7-signature"].contains(type) { return }
            let isAttachment = disposition == "attachment" || !fileName.isEmpty
            if type.hasPrefix("text/") && !isAttachment {
                guard !forwarded, pw_gmime_is_text_part(object) != 0, let text = g_mime_text_part_get_text(pw_gmime_as_text_part(object)) else { return }
                defer { g_free(text) }
                if type == "text/html" {
                    if html == nil { html = String(cString: text) }
                } else if plain == nil {
                    plain = String(cString: text)
                }
                return
            }
            // Pictures in an HTML body (cid: references, or inline without a file name) are not documents.
            if type.hasPrefix("image/") && (related || (contentID != nil && fileName.isEmpty) || (disposition == "inline" && fileName.isEmpty)) {
                return
            }
            var bytes: UnsafePointer<UInt8>?
            var length = 0
            let content = pw_gmime_decoded_content(part, &bytes, &length)
            defer { pw_g_object_unref(content) }
            let data = bytes.map { Array(UnsafeBufferPointer(start: $0, count: length)) } ?? []
            attachments.append(MailAttachment(name: fileName, contentType: type, bytes: data))
        }

        static func mimeType(_ object: UnsafeMutablePointer<GMimeObject>) -> String {
            guard let type = g_mime_object_get_content_type(object), let text = g_mime_content_type_get_mime_type(type) else {
                return "text/plain"
            }
            defer { g_free(text) }
            return String(cString: text).lowercased()
        }
    }

    /// Containers (multipart or forwarded message parts) a message may declare.
    static let maxContainers = 500

    /// Case-insensitive occurrences of an ASCII word in the raw bytes.
    static func count(_ word: String, in raw: [UInt8]) -> Int {
        let needle = Array(word.utf8)
        guard raw.count >= needle.count else { return 0 }
        var n = 0
        var i = 0
        let last = raw.count - needle.count
        while i <= last {
            var j = 0
            while j < needle.count && (raw[i + j] | 0x20) == needle[j] | 0x20 { j += 1 }
            if j == needle.count {
                n += 1
                i += needle.count
            } else {
                i += 1
            }
        }
        return n
    }

    /// HTML reduced to its text (the cover page prints plain text only).
    static func text(fromHTML html: String) -> String {
        var text = html
        for pattern in ["(?is)<(script|style|head)[^>]*>.*?</\\1>", "(?i)<br\\s*/?>", "(?i)</(p|div|tr|li|h[1-6])>"] {
            text = text.replacingOccurrences(of: pattern, with: pattern.contains("br") || pattern.contains("/(p") ? "\n" : "", options: .regularExpression)
        }
        text = text.replacingOccurrences(of: "<[^>]+>", with: "", options: .regularExpression)
        for (entity, value) in [("&nbsp;", " "), ("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&amp;", "&")] {
            text = text.replacingOccurrences(of: entity, with: value)
        }
        return text.replacingOccurrences(of: "\n{3,}", with: "\n\n", options: .regularExpression)
    }
}
