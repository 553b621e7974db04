/// The shape of a depthwise 2-D convolution's kernel and its placement, stride 1.
///
/// Tap `(u, v)` of a `kernel.height × kernel.width` kernel reads input sample
/// `(i + dilation.height·u − padding.height, j + dilation.width·v − padding.width)` for output `(i, j)`.
/// The dilated extent is `dilatedKernel = dilation·(kernel − 1) + 1` per axis, and an `H × W` map gives
/// an `(H + 2·padding.height − dilatedKernel.height + 1) × (…)` output, as `nn.Conv2d` does.
public struct ConvolutionGeometry2D: Hashable, Sendable {
    /// Kernel size `kh × kw`, each ≥ 1.
    public let kernel: Size2D
    /// Dilation `dh × dw`, each ≥ 1.
    public let dilation: Size2D
    /// Padding added on *each* side, each ≥ 0.
    public let padding: Size2D
    /// How samples outside the map are read.
    public let paddingMode: PaddingMode

    /// - Throws: ``ConvolutionError/invalidArgument(_:)`` for a kernel or dilation below 1, a negative
    ///   padding, or a dilated extent that overflows `Int`.
    public init(kernel: Size2D, dilation: Size2D = Size2D(1), padding: Size2D = Size2D(0),
                paddingMode: PaddingMode = .zeros) throws(ConvolutionError) {
        guard kernel.height >= 1, kernel.width >= 1 else {
            throw .invalidArgument("kernel size must be ≥ 1 along each axis, got \(kernel)")
        }
        guard dilation.height >= 1, dilation.width >= 1 else {
            throw .invalidArgument("dilation must be ≥ 1 along each axis, got \(dilation)")
        }
        guard padding.height >= 0, padding.width >= 0 else {
            throw .invalidArgument("padding must be ≥ 0 along each axis, got \(padding)")
        }
        for (k, d) in [(kernel.height, dilation.height), (kernel.width, dilation.width)] {
            let (p, o1) = (k - 1).multipliedReportingOverflow(by: d)
            guard !o1, p < Int.max / 4 else { throw .invalidArgument("dilated kernel extent \(d)·(\(k)−1)+1 overflows") }
        }
        self.kernel = kernel
        self.dilation = dilation
        self.padding = padding
        self.paddingMode = paddingMode
    }

    /// "Same" geometry for an odd kernel: `padding = dilation·(kernel − 1)/2` (even kernels round down,
    /// so their output is one sample smaller, as PyTorch's integer padding gives).
    public static func same(kernel: Size2D, dilation: Size2D = Size2D(1),
                            paddingMode: PaddingMode = .zeros) throws(ConvolutionError) -> ConvolutionGeometry2D {
        try ConvolutionGeometry2D(
            kernel: kernel, dilation: dilation,
            padding: Size2D(height: dilation.height * (kernel.height - 1) / 2,
                            width: dilation.width * (kernel.width - 1) / 2),
            paddingMode: paddingMode)
    }

    /// `dilation·(kernel − 1) + 1` per axis: the span of input one output sample reads.
    public var dilatedKernel: Size2D {
        Size2D(height: dilation.height * (kernel.height - 1) + 1, width: dilation.width * (kernel.width - 1) + 1)
    }

    /// The output extent for an `input` map extent.
    /// - Throws: ``ConvolutionError/invalidArgument(_:)`` when the map is empty or the output would be,
    ///   ``ConvolutionError/tooLarge(_:)`` when the padded extent overflows `Int`.
    public func outputSize(for input: Size2D) throws(ConvolutionError) -> Size2D {
        guard input.height >= 1, input.width >= 1 else {
            throw .invalidArgument("input map must be at least 1×1, got \(input)")
        }
        let k = dilatedKernel
        // Overflow-checked: a padding near Int.max must be an error, not a trap.
        func extent(_ n: Int, _ p: Int, _ kd: Int) throws(ConvolutionError) -> Int {
            let (p2, o1) = p.multipliedReportingOverflow(by: 2)
            let (a, o2) = n.addingReportingOverflow(p2)
            guard !o1, !o2 else { throw .tooLarge("a \(input) map padded by \(padding) overflows Int") }
            return a - kd + 1
        }
        let out = Size2D(height: try extent(input.height, padding.height, k.height),
                         width: try extent(input.width, padding.width, k.width))
        guard out.height >= 1, out.width >= 1 else {
            throw .invalidArgument(
                "a \(input) map padded by \(padding) is smaller than the dilated kernel \(k): the output would be \(out)")
        }
        return out
    }
}
