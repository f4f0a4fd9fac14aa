/// Random tokens for tags, branches and Call-IDs.
enum SIPIdentifiers {
    private static let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")

    /// `count` random token characters.
    static func token(_ count: Int = 16) -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<count).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] })
    }

    /// A new RFC 3261 branch (starts with the magic cookie).
    static func branch() -> String { "z9hG4bK" + token(20) }

    /// A new tag.
    static func tag() -> String { token(12) }
}
