import Foundation

/// Where the external renderers live (Debian paths by default).
public struct RenderTools: Sendable, Equatable {
    /// Ghostscript.
    public var ghostscript = "/usr/bin/gs"
    /// ImageMagick 6 `convert` (the real one, never a wrapper earlier on PATH).
    public var convert = "/usr/bin/convert-im6.q16"
    /// ImageMagick 6 `identify`.
    public var identify = "/usr/bin/identify-im6.q16"
    /// libtiff's `tiffcp` (joins page sets without re-encoding).
    public var tiffcp = "/usr/bin/tiffcp"
    /// libtiff's `tiff2pdf` (passes Group 4 through into the PDF).
    public var tiff2pdf = "/usr/bin/tiff2pdf"
    /// LibreOffice, if installed.
    public var soffice = "/usr/bin/soffice"

    /// The Debian defaults.
    public init() {}

    /// Whether LibreOffice is installed, so office documents can be converted.
    public var hasOffice: Bool { FileManager.default.isExecutableFile(atPath: soffice) }
}
