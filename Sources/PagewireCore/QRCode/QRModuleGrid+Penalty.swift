extension QRModuleGrid {
    /// The penalty of the masked symbol by the four rules of the standard; the mask with the
    /// lowest one is kept.
    /// - N1: a run of five or more modules of one colour in a row or column: 3 + (length − 5).
    /// - N2: each 2×2 block of one colour: 3.
    /// - N3: each 1:1:3:1:1 finder-like pattern with four light modules on one side: 40
    ///   (outside the symbol counts as light, as the quiet zone is).
    /// - N4: 10 for every full 5 % the share of dark modules is away from 50 %.
    func penalty() -> Int {
        var score = 0
        for line in 0..<size {
            let row = (0..<size).map { self[$0, line] }
            let column = (0..<size).map { self[line, $0] }
            score += Self.runPenalty(row) + Self.finderLikePenalty(row)
            score += Self.runPenalty(column) + Self.finderLikePenalty(column)
        }
        for y in 0..<(size - 1) {
            for x in 0..<(size - 1) {
                let colour = self[x, y]
                if self[x + 1, y] == colour, self[x, y + 1] == colour, self[x + 1, y + 1] == colour { score += 3 }
            }
        }
        let darkCount = dark.lazy.filter { $0 }.count
        let total = size * size
        score += 10 * (abs(darkCount * 20 - total * 10) / total)
        return score
    }

    /// N1 for one row or column.
    static func runPenalty(_ line: [Bool]) -> Int {
        var score = 0
        var run = 1
        for i in 1...line.count {
            if i < line.count, line[i] == line[i - 1] {
                run += 1
            } else {
                if run >= 5 { score += 3 + run - 5 }
                run = 1
            }
        }
        return score
    }

    /// A finder pattern's centre line (dark-light-dark-dark-dark-light-dark) with four light
    /// modules after it, and with four before it.
    private static let finderLikeLines: [[Bool]] = [
        [true, false, true, true, true, false, true, false, false, false, false],
        [false, false, false, false, true, false, true, true, true, false, true],
    ]

    /// N3 for one row or column.
    static func finderLikePenalty(_ line: [Bool]) -> Int {
        let light = [Bool](repeating: false, count: 4)
        let padded = light + line + light
        var score = 0
        for start in 0...(padded.count - 11) {
            for pattern in finderLikeLines where (0..<11).allSatisfy({ padded[start + $0] == pattern[$0] }) { score += 40 }
        }
        return score
    }
}
