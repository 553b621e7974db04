/// A pair of extents along the height (H) and width (W) axes: kernel sizes, paddings, dilations.
public struct Size2D: Hashable, Sendable, CustomStringConvertible {
    public var height: Int
    public var width: Int

    public init(height: Int, width: Int) {
        self.height = height
        self.width = width
    }

    /// The same extent along both axes.
    public init(_ both: Int) { self.init(height: both, width: both) }

    public var description: String { "\(height)×\(width)" }
}
