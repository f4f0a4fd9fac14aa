import Foundation

/// poppler-utils, the independent PDF reader tests check Pagewire's PDFs with.
public enum Poppler {
    /// Runs `tool` (pdftotext, pdfinfo) with `arguments` on `pdf`, written to a temporary file;
    /// pdftotext writes its text to standard output.
    public static func run(_ tool: String, _ pdf: [UInt8], _ arguments: [String] = []) throws -> CommandRun {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("pw-poppler-\(UUID().uuidString).pdf")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(pdf).write(to: file)
        return try run(tool, atPath: file.path, arguments)
    }

    /// Runs `tool` with `arguments` on the PDF at `path`.
    public static func run(_ tool: String, atPath path: String, _ arguments: [String] = []) throws -> CommandRun {
        try CommandRun.run("/usr/bin/" + tool, arguments + [path] + (tool == "pdftotext" ? ["-"] : []), standardError: .inherited)
    }

    /// The page count in what pdfinfo printed, or nil when it printed none.
    public static func pages(inInfo info: String) -> Int? {
        info.split(separator: "\n").first { $0.hasPrefix("Pages:") }.flatMap { Int($0.dropFirst(6).trimmingCharacters(in: .whitespaces)) }
    }
}
