/// Random passwords for bootstrap accounts and resets, shown to a person once.
public enum PasswordGenerator {
    /// 20 characters from an alphabet without look-alikes (about 115 bits).
    public static func generate(length: Int = 20) -> String {
        let alphabet = Array("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<length).map { _ in alphabet.randomElement(using: &generator)! })
    }
}
