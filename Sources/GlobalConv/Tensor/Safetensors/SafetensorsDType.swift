/// The element types the safetensors format defines (the `"dtype"` strings of a header).
///
/// The reader validates files holding any of these (every byte range is checked against
/// `elementCount × byteWidth`), but converts only ``f32`` and ``f64`` into a ``Tensor``;
/// asking for a tensor of another dtype throws ``SafetensorsError/Reason/unsupportedDtype(tensor:dtype:)``.
/// The sub-byte dtypes of recent safetensors versions (`F4`, `F6_E2M3`, `F6_E3M2`) are not
/// listed: a file using them is rejected as ``SafetensorsError/Reason/unknownDtype(tensor:dtype:)``.
public enum SafetensorsDType: String, Sendable, CaseIterable, Hashable, CustomStringConvertible {
    case bool = "BOOL"
    case u8 = "U8"
    case i8 = "I8"
    case f8e5m2 = "F8_E5M2"
    case f8e4m3 = "F8_E4M3"
    case f8e8m0 = "F8_E8M0"
    case i16 = "I16"
    case u16 = "U16"
    case f16 = "F16"
    case bf16 = "BF16"
    case i32 = "I32"
    case u32 = "U32"
    case f32 = "F32"
    case f64 = "F64"
    case c64 = "C64"
    case i64 = "I64"
    case u64 = "U64"

    /// Bytes per element.
    public var byteWidth: Int {
        switch self {
        case .bool, .u8, .i8, .f8e5m2, .f8e4m3, .f8e8m0: 1
        case .i16, .u16, .f16, .bf16: 2
        case .i32, .u32, .f32: 4
        case .f64, .c64, .i64, .u64: 8
        }
    }

    /// The GlobalConv precision this dtype is read as without conversion: `.float32` for `F32`,
    /// `.float64` for `F64`, `nil` for every dtype the reader cannot convert.
    public var precision: Precision? {
        switch self {
        case .f32: .float32
        case .f64: .float64
        default: nil
        }
    }

    /// Whether elements are floating-point numbers (`F8_*`, `F16`, `BF16`, `F32`, `F64`, `C64`): the
    /// dtypes of weights. Integer and boolean tensors (`I64` `num_batches_tracked`, masks, indices) are
    /// not, and ``SafetensorsFile/allTensors(as:)`` skips them.
    public var isFloatingPoint: Bool {
        switch self {
        case .f8e5m2, .f8e4m3, .f8e8m0, .f16, .bf16, .f32, .f64, .c64: true
        case .bool, .u8, .i8, .i16, .u16, .i32, .u32, .i64, .u64: false
        }
    }

    /// The dtype GlobalConv writes for `precision`: `F32` or `F64`.
    public init(_ precision: Precision) {
        self = precision == .float32 ? .f32 : .f64
    }

    /// The header spelling, e.g. `F32`.
    public var description: String { rawValue }
}
