/// How a line is drawn.
public struct Stroke: Sendable, Equatable {
    public var color: Color
    public var width: Double
    /// Dash and gap lengths; empty for a solid line.
    public var dash: [Double]

    public init(_ color: Color, width: Double = 1, dash: [Double] = []) {
        self.color = color
        self.width = width
        self.dash = dash
    }
}

/// Where a text's anchor point sits horizontally.
public enum TextAnchor: Sendable {
    case start, middle, end
}

/// Where a text's anchor point sits vertically.
public enum TextBaseline: Sendable {
    case alphabetic, middle, top, bottom

    /// Offset from the anchor to the alphabetic baseline, in units of the font size.
    /// Both backends use these same numbers, so the PNG and the SVG agree.
    var shift: Double {
        switch self {
        case .alphabetic: 0
        case .middle: 0.36
        case .top: 0.76
        case .bottom: -0.24
        }
    }
}

public enum FontWeight: Sendable {
    case normal, bold
}

/// Font size, weight, colour, alignment and rotation of a piece of text.
public struct TextStyle: Sendable, Equatable {
    public var size: Double
    public var weight: FontWeight
    public var color: Color
    public var anchor: TextAnchor
    public var baseline: TextBaseline
    /// Degrees, clockwise, about the anchor point.
    public var rotation: Double

    public init(
        size: Double = 12, weight: FontWeight = .normal, color: Color = .ink,
        anchor: TextAnchor = .start, baseline: TextBaseline = .alphabetic, rotation: Double = 0
    ) {
        self.size = size
        self.weight = weight
        self.color = color
        self.anchor = anchor
        self.baseline = baseline
        self.rotation = rotation
    }
}

/// A path made of straight segments; enough for markers, arrows and areas.
public struct Path: Sendable, Equatable {
    public enum Element: Sendable, Equatable {
        case move(Point)
        case line(Point)
        case close
    }
    public var elements: [Element] = []
    public init() {}

    public mutating func move(to p: Point) { elements.append(.move(p)) }
    public mutating func line(to p: Point) { elements.append(.line(p)) }
    public mutating func close() { elements.append(.close) }

    /// A closed polygon through the given corners.
    public static func polygon(_ corners: [Point]) -> Path {
        var path = Path()
        guard let first = corners.first else { return path }
        path.move(to: first)
        for p in corners.dropFirst() { path.line(to: p) }
        path.close()
        return path
    }
}

/// Pixels to place on a canvas: 8-bit RGBA, row-major, not premultiplied.
public struct RasterImage: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public var rgba: [UInt8]

    public init(width: Int, height: Int, rgba: [UInt8]) {
        precondition(width > 0 && height > 0 && rgba.count == width * height * 4)
        self.width = width
        self.height = height
        self.rgba = rgba
    }

    /// An image whose pixel at row `r`, column `c` is `color(r, c)`.
    public init(width: Int, height: Int, color: (Int, Int) -> Color) {
        var bytes = [UInt8]()
        bytes.reserveCapacity(width * height * 4)
        for r in 0..<height {
            for c in 0..<width {
                let col = color(r, c)
                let (red, green, blue) = col.bytes
                bytes += [red, green, blue, UInt8(max(0, min(255, (col.alpha * 255).rounded())))]
            }
        }
        self.init(width: width, height: height, rgba: bytes)
    }
}

/// The one drawing interface charts are written against; the SVG and PNG backends implement it,
/// so a chart is drawn by the same code whichever format it ends up in.
public protocol Canvas: AnyObject {
    /// Size in canvas units (CSS pixels).
    var size: Size { get }
    func line(from: Point, to: Point, stroke: Stroke)
    func polyline(_ points: [Point], stroke: Stroke)
    func rect(_ rect: Rect, fill: Color?, stroke: Stroke?)
    func circle(center: Point, radius: Double, fill: Color?, stroke: Stroke?)
    func path(_ path: Path, fill: Color?, stroke: Stroke?)
    /// Many same-sized dots of one colour, round or square. SVG writes them as one path,
    /// so a 10,000-point scatter stays a small file.
    func dots(_ centres: [Point], radius: Double, color: Color, square: Bool)
    func text(_ string: String, at: Point, style: TextStyle)
    /// Draws pixels scaled into `rect`; `smooth: false` keeps them as crisp squares.
    func image(_ image: RasterImage, in rect: Rect, smooth: Bool)
    /// Limits drawing to `rect` until the matching `popClip`.
    func pushClip(_ rect: Rect)
    func popClip()
    /// Advance width of `string`, the same for every backend, for layout.
    func textWidth(_ string: String, size: Double, weight: FontWeight) -> Double
}

extension Canvas {
    /// Width of a text drawn in `style`.
    func textWidth(_ string: String, style: TextStyle) -> Double {
        textWidth(string, size: style.size, weight: style.weight)
    }
}
