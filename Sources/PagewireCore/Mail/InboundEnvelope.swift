/// The SMTP envelope of one message as the gateway accepted it.
public struct InboundEnvelope: Sendable, Equatable {
    /// The connecting client's IP address.
    public var clientIP: String
    /// What the client said in EHLO/HELO.
    public var helo: String
    /// The MAIL FROM address; empty for the null sender `<>`.
    public var returnPath: String
    /// Accepted recipients in RCPT order (all of one company).
    public var recipients: [FaxMailAddress]
    /// The company every recipient's domain belongs to.
    public var companyID: Int64

    /// An envelope.
    public init(clientIP: String, helo: String, returnPath: String, recipients: [FaxMailAddress], companyID: Int64) {
        self.clientIP = clientIP
        self.helo = helo
        self.returnPath = returnPath
        self.recipients = recipients
        self.companyID = companyID
    }
}

