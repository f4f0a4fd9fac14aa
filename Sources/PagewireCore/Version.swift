public enum PagewireVersion { public static let string = "0.1.0" }
