import NIOCore

/// One line from an SMTP client, without its line ending.
public enum SMTPLine: Sendable, Equatable {
    /// A complete line.
    case line(ByteBuffer)
    /// A line longer than the limit; its bytes were discarded as they arrived.
    case tooLong
}

/// A line and the decoder generation that read it: STARTTLS puts a new decoder (epoch + 1)
/// behind TLS, and the session drops every line of an older epoch, so plain text pipelined or
/// injected behind STARTTLS is never taken as if it came through TLS (CVE-2011-0411).
public struct SMTPInput: Sendable, Equatable {
    /// The line.
    public var line: SMTPLine
    /// The decoder generation: 0 before STARTTLS, 1 after.
    public var epoch: Int
}

/// Splits the byte stream into lines at LF (a preceding CR is dropped), never buffering more
/// than `maxLength` bytes of one line: a longer line is thrown away and reported as `.tooLong`.
struct SMTPLineDecoder: ByteToMessageDecoder {
    typealias InboundOut = SMTPInput

    let maxLength: Int
    let epoch: Int
    private var discarding = false

    init(maxLength: Int, epoch: Int) {
        self.maxLength = maxLength
        self.epoch = epoch
    }

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        let view = buffer.readableBytesView
        guard let lf = view.firstIndex(of: UInt8(ascii: "\n")) else {
            if buffer.readableBytes > maxLength {
                discarding = true
                buffer.moveReaderIndex(to: buffer.writerIndex)
            }
            return .needMoreData
        }
        let length = lf - view.startIndex
        guard var line = buffer.readSlice(length: length) else { return .needMoreData }
        buffer.moveReaderIndex(forwardBy: 1)
        if discarding || length > maxLength {
            discarding = false
            context.fireChannelRead(wrapInboundOut(SMTPInput(line: .tooLong, epoch: epoch)))
            return .continue
        }
        if line.readableBytesView.last == UInt8(ascii: "\r") { line.moveWriterIndex(to: line.writerIndex - 1) }
        context.fireChannelRead(wrapInboundOut(SMTPInput(line: .line(line), epoch: epoch)))
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        // A partial last line (the client vanished mid-line, or STARTTLS replaced this decoder) is dropped.
        buffer.moveReaderIndex(to: buffer.writerIndex)
        return .needMoreData
    }
}
