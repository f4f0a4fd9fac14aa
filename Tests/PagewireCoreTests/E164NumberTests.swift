import PagewireCore
import Testing

@Suite("E.164 numbers")
struct E164NumberTests {
    @Test(arguments: [
        ("(206) 441-3346", "+12064413346"),
        ("206.441.3346", "+12064413346"),
        ("1-206-441-3346", "+12064413346"),
        ("+1 206 441 3346", "+12064413346"),
        ("+44 20 7946 0958", "+442079460958"),
        ("0044 20 7946 0958", "+442079460958"),
        ("011 49 30 1234567", "+49301234567"),
        ("+49 (0)30/1234567".replacingOccurrences(of: "(0)", with: ""), "+49301234567"),
    ])
    func parsesWhatUsersType(input: String, expected: String) throws {
        #expect(try E164Number(parsing: input).value == expected)
    }

    @Test(arguments: [
        ("", E164Number.ParseError.empty),
        ("206-441-334", .unknownFormat(digits: 9)),
        ("206 441 3346 x12", .invalidCharacter("x")),
        ("1-800-FLOWERS", .invalidCharacter("F")),
        ("+1 206 441 33", .invalidNorthAmerican("+1 numbers have 10 digits after the 1")),
        ("(106) 441-3346", .invalidNorthAmerican("an area code cannot start with 0 or 1")),
        ("(206) 141-3346", .invalidNorthAmerican("an exchange cannot start with 0 or 1")),
        ("+44 12", .tooShort(digits: 4)),
        ("+4412345678901234", .tooLong(digits: 16)),
        ("206+4413346", .misplacedPlus),
        ("+0 123 456 789", .invalidCountryCode),
        ("<script>", .invalidCharacter("<")),
    ])
    func refusesTheRestWithAReason(input: String, error: E164Number.ParseError) {
        #expect(throws: error) { try E164Number(parsing: input) }
    }

    @Test func formatsNorthAmericanNumbers() throws {
        #expect(try E164Number(parsing: "2064413346").formatted == "+1 (206) 441-3346")
        #expect(try E164Number(parsing: "+442079460958").formatted == "+442079460958")
    }
}
