#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An sRGB colour with alpha, each channel in 0...1.
public struct Color: Sendable, Equatable, Hashable {
    public var red: Double
    public var green: Double
    public var blue: Double
    public var alpha: Double

    public init(red: Double, green: Double, blue: Double, alpha: Double = 1) {
        self.red = red
        self.green = green
        self.blue = blue
        self.alpha = alpha
    }

    /// A colour from a 24-bit `0xRRGGBB` literal.
    public init(hex: UInt32, alpha: Double = 1) {
        self.init(
            red: Double((hex >> 16) & 0xFF) / 255, green: Double((hex >> 8) & 0xFF) / 255,
            blue: Double(hex & 0xFF) / 255, alpha: alpha)
    }

    public func withAlpha(_ alpha: Double) -> Color {
        Color(red: red, green: green, blue: blue, alpha: alpha)
    }

    /// Linear mix: `self` at `t == 0`, `other` at `t == 1`.
    public func mixed(with other: Color, _ t: Double) -> Color {
        Color(
            red: red + (other.red - red) * t, green: green + (other.green - green) * t,
            blue: blue + (other.blue - blue) * t, alpha: alpha + (other.alpha - alpha) * t)
    }

    /// Relative luminance (WCAG), to pick black or white text on a fill.
    var luminance: Double {
        func linear(_ c: Double) -> Double {
            c <= 0.03928 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4)
        }
        return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)
    }

    /// Text colour that stays readable on top of this fill.
    var contrastingText: Color { luminance > 0.33 ? .ink : .white }

    var bytes: (UInt8, UInt8, UInt8) {
        func byte(_ c: Double) -> UInt8 { UInt8(max(0, min(255, (c * 255).rounded()))) }
        return (byte(red), byte(green), byte(blue))
    }

    /// `#rrggbb`, as SVG writes it; alpha goes into a separate opacity attribute.
    var hexString: String {
        let (r, g, b) = bytes
        let digits = Array("0123456789abcdef")
        var s = "#"
        for v in [r, g, b] {
            s.append(digits[Int(v >> 4)])
            s.append(digits[Int(v & 0xF)])
        }
        return s
    }

    public static let white = Color(hex: 0xFFFFFF)
    public static let black = Color(hex: 0x000000)
    /// Near-black for text and axes; softer than pure black.
    public static let ink = Color(hex: 0x222222)
    /// Secondary text: tick labels, notes.
    public static let mutedInk = Color(hex: 0x555555)
    /// Grid lines and frames.
    public static let grid = Color(hex: 0xE3E3E3)
    public static let axis = Color(hex: 0x888888)
}

/// Categorical colours that colour-blind readers can tell apart (Okabe and Ito, 2008),
/// reordered so the first few are the most distinct on white; yellow is left out as it
/// vanishes on a white background.
public enum CategoricalPalette {
    public static let colors: [Color] = [
        Color(hex: 0x0072B2),  // blue
        Color(hex: 0xE69F00),  // orange
        Color(hex: 0x009E73),  // bluish green
        Color(hex: 0xD55E00),  // vermillion
        Color(hex: 0xCC79A7),  // reddish purple
        Color(hex: 0x56B4E9),  // sky blue
        Color(hex: 0x8C6D31),  // olive brown
        Color(hex: 0x444444),  // dark grey
        Color(hex: 0x7B3FA8),  // violet
        Color(hex: 0x8DB600),  // yellow green
    ]

    /// The colour of the `index`-th series or class, cycling past the end.
    public static func color(_ index: Int) -> Color {
        colors[((index % colors.count) + colors.count) % colors.count]
    }
}
