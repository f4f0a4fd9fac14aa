import NIOCore

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
        var lines: [SMTPLine] = []
        while let line = nextLine(&buffer) { lines.append(line) }
        guard !lines.isEmpty else { return .needMoreData }
        context.fireChannelRead(wrapInboundOut(SMTPInput(lines: lines, epoch: epoch)))
        return .continue
    }

    private mutating func nextLine(_ buffer: inout ByteBuffer) -> SMTPLine? {
        let view = buffer.readableBytesView
        guard let lf = view.firstIndex(of: UInt8(ascii: "\n")) else {
            if buffer.readableBytes > maxLength {
                discarding = true
                buffer.moveReaderIndex(to: buffer.writerIndex)
            }
            return nil
        }
        let length = lf - view.startIndex
        guard var line = buffer.readSlice(length: length) else { return nil }
        buffer.moveReaderIndex(forwardBy: 1)
        if discarding || length > maxLength {
            discarding = false
            return .tooLong
        }
        if line.readableBytesView.last == UInt8(ascii: "\r") { line.moveWriterIndex(to: line.writerIndex - 1) }
        return .line(line)
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        // A partial last line (the client vanished mid-line, or STARTTLS replaced this decoder) is dropped.
        buffer.moveReaderIndex(to: buffer.writerIndex)
        return .needMoreData
    }
}
