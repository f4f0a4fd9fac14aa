/// Resource limits for one renderer child process.
public struct SandboxLimits: Sendable, Equatable {
    /// Address space, bytes (RLIMIT_AS).
    public var memoryBytes: Int
    /// CPU time, seconds (RLIMIT_CPU).
    public var cpuSeconds: Int
    /// Largest file the child may write, bytes (RLIMIT_FSIZE).
    public var fileBytes: Int
    /// Wall-clock time before the whole process group is killed.
    public var wallSeconds: Double

    /// Creates limits.
    public init(memoryBytes: Int, cpuSeconds: Int, fileBytes: Int, wallSeconds: Double) {
        self.memoryBytes = memoryBytes
        self.cpuSeconds = cpuSeconds
        self.fileBytes = fileBytes
        self.wallSeconds = wallSeconds
    }

    /// Ghostscript and ImageMagick on one document.
    public static let renderer = SandboxLimits(memoryBytes: 1 << 30, cpuSeconds: 60, fileBytes: 256 << 20, wallSeconds: 90)
    /// LibreOffice needs a larger address space and more time to start.
    public static let office = SandboxLimits(memoryBytes: 4 << 30, cpuSeconds: 120, fileBytes: 256 << 20, wallSeconds: 150)
}
