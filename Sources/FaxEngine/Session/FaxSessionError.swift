import Foundation

/// Why a `FaxSession` could not be created.
public enum FaxSessionError: Error, Sendable {
    /// The TIFF to send cannot be sent as it is (the reason says why).
    case unreadableDocument(URL, FaxDocumentError)
    /// The received pages could not be written there (SpanDSP would only fail once the first
    /// page starts, and silently truncates paths over 255 bytes).
    case unwritableDestination(URL)
    /// SpanDSP could not allocate its state.
    case initialisationFailed
}
