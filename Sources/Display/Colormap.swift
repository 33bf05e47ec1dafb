/// A continuous map from 0...1 to colours, given as evenly spaced stops.
public struct Colormap: Sendable, Equatable {
    public let name: String
    let stops: [Color]

    public init(name: String, stops: [Color]) {
        precondition(stops.count >= 2, "a colormap needs at least two stops")
        self.name = name
        self.stops = stops
    }

    /// The colour at `t`, clamped to 0...1; NaN maps to the first stop.
    public func color(at t: Double) -> Color {
        let clamped = t.isNaN ? 0 : max(0, min(1, t))
        let position = clamped * Double(stops.count - 1)
        let lower = min(Int(position), stops.count - 2)
        return stops[lower].mixed(with: stops[lower + 1], position - Double(lower))
    }

    /// Perceptually uniform and readable in grey and by colour-blind readers
    /// (van der Walt and Smith's matplotlib default), sampled at 11 stops.
    public static let viridis = Colormap(
        name: "viridis",
        stops: [
            0x440154, 0x482576, 0x414487, 0x35608D, 0x2A788E, 0x21908C, 0x22A884, 0x43BF71,
            0x7AD151, 0xBBDF27, 0xFDE725,
        ].map { Color(hex: $0) })

    /// White to dark grey, for pictures of digits: ink is dark, paper is white.
    public static let greys = Colormap(
        name: "greys", stops: [Color(hex: 0xFFFFFF), Color(hex: 0x101010)])

    /// White to deep blue, for counts: zero stays white, so empty cells recede.
    public static let blues = Colormap(
        name: "blues",
        stops: [Color(hex: 0xF7FBFF), Color(hex: 0xC6DBEF), Color(hex: 0x6BAED6), Color(hex: 0x2171B5),
                Color(hex: 0x08306B)])

    /// Diverging blue–white–orange (colour-blind safe) for signed values such as weights.
    public static let signed = Colormap(
        name: "signed",
        stops: [Color(hex: 0xB35806), Color(hex: 0xF1A340), Color(hex: 0xF7F7F7),
                Color(hex: 0x67A9CF), Color(hex: 0x2166AC)])
}
