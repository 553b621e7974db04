/// The spatial axis of an NCHW map along which a 1-D operation runs.
public enum ConvolutionAxis: String, Sendable, CaseIterable, Codable {
    /// Along `H` (axis 2): each column of the map is one signal.
    case height
    /// Along `W` (axis 3): each row of the map is one signal.
    case width
}
