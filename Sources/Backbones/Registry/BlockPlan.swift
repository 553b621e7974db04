import GlobalConv

/// A block planned for one input shape: every spatial convolution inside it has made its plan
/// (path resolved — from a plan file, the cost model, or one measurement —, FFT sizes, FFTW plans and
/// kernel spectra), held by the layer values themselves, so running the plan only executes.
///
/// Made by ``Block/plan(for:path:options:)`` with forward passes on a random input of the shape until one
/// measures nothing (the passes that make the layers' plans); a server makes its plans at start, after loading a plan file
/// (`FFTWisdom.import(atPath:)`) so that even that pass measures nothing. Immutable and `Sendable`:
/// one plan may run from many tasks at once.
public struct BlockPlan<B: Block>: Sendable {
    /// The block this plan runs.
    public let block: B
    /// The only input shape the plan accepts, `[N, C, H, W]`.
    public let inputShape: [Int]
    /// The path every spatial convolution was planned for (`.auto`: each layer's own decision).
    public let path: ConvolutionPath
    /// The options the plans were made with.
    public let options: ExecutionOptions

    /// Runs the planned block on `x`.
    /// - Throws: ``BackboneError/input(block:message:)`` when `x.shape` is not ``inputShape``.
    public func callAsFunction(_ x: Tensor<B.Scalar>) throws(BackboneError) -> Tensor<B.Scalar> {
        guard x.shape == inputShape else {
            throw .input(block: B.id, message: "this plan is for input \(inputShape), got \(x.shape); make a plan for that shape")
        }
        return try block.forward(x, path: path, options: options)
    }
}

extension Block {
    /// Plans this block for inputs of `inputShape` (see ``BlockPlan``).
    /// - Throws: ``BackboneError`` when the block cannot take that shape, or a layer's path is over
    ///   `options.memoryBudget`.
    public func plan(for inputShape: [Int], path: ConvolutionPath = .auto,
                     options: ExecutionOptions = .default) throws(BackboneError) -> BlockPlan<Self> {
        guard inputShape.count == 4, inputShape.allSatisfy({ $0 >= 0 }) else {
            throw .input(block: Self.id, message: "expected an NCHW shape, got \(inputShape)")
        }
        // Forward passes until one measures nothing: a close `.auto` decision is measured on up to three
        // calls (ConvolutionPlanner) before its plan is kept. The count is process-wide, so another
        // thread's measuring can only add a pass; at most four.
        let x = Tensor<Scalar>.random(shape: inputShape, seed: 0x51A7)
        for _ in 0..<4 {
            let before = PlanningStatistics.measurementCount
            _ = try forward(x, path: path, options: options)
            if PlanningStatistics.measurementCount == before { break }
        }
        return BlockPlan(block: self, inputShape: inputShape, path: path, options: options)
    }
}
