/// A map size field of the peer-baseline JSON lines (``PeerBaselineRow``): read as `H` (square `H×H`)
/// or `[H, W]`, held and written as `[H, W]`. Any other JSON value is a decoding error on the field
/// (`size must be H or [H, W]` for an array that is not two integers).
@propertyWrapper
package struct MapSizeCoding: Sendable, Equatable, Codable {
    /// `[H, W]`.
    package var wrappedValue: [Int]

    package init(wrappedValue: [Int]) { self.wrappedValue = wrappedValue }

    package init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let side = try? container.decode(Int.self) {
            wrappedValue = [side, side]
            return
        }
        let size = try container.decode([Int].self)
        guard size.count == 2 else { throw DecodingError.dataCorruptedError(in: container, debugDescription: "size must be H or [H, W]") }
        wrappedValue = size
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(wrappedValue)
    }
}
