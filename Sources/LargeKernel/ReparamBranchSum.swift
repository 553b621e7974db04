import GlobalConv

/// One branch of a re-parameterisable block's unmerged form: a depthwise conv followed by its
/// BatchNorm (``ConvBN``), or a depthwise conv whose bias holds that BatchNorm already (``DepthwiseKernel``,
/// the form after RepLKNet's official `deep_fuse_BN()`).
protocol ReparamBranch<Scalar>: Sendable {
    associatedtype Scalar: TensorScalar
    /// The branch's output on `x`, its conv along `path`.
    func forward(_ x: Tensor<Scalar>, path: ConvolutionPath, options: ExecutionOptions) throws(LargeKernelError) -> Tensor<Scalar>
}

extension ConvBN: ReparamBranch {}
extension DepthwiseKernel: ReparamBranch {}

/// The unmerged forward of a re-parameterisable block (RepLKNet, SLaK, UniRepLKNet):
/// `Σ_b branch_b(x)` evaluated left to right, `((y₀ + y₁) + y₂) + …` with `y_b` the output of
/// `branches[b]` along `path`, so the rounding is the same as adding the branches one by one.
/// - Parameter what: names the sum in a shape-mismatch error, given the index `b ≥ 1` of the branch
///   being added.
/// - Precondition: `branches` is not empty.
/// - Throws: ``LargeKernelError`` when `x` does not fit a branch or the branch outputs differ in shape.
@_specialize(where Branch == ConvBN<Float>)
@_specialize(where Branch == ConvBN<Double>)
@_specialize(where Branch == DepthwiseKernel<Float>)
@_specialize(where Branch == DepthwiseKernel<Double>)
func forwardSum<Branch: ReparamBranch>(of branches: [Branch], _ x: Tensor<Branch.Scalar>, path: ConvolutionPath,
                                       options: ExecutionOptions,
                                       what: (_ branch: Int) -> String) throws(LargeKernelError) -> Tensor<Branch.Scalar> {
    precondition(!branches.isEmpty, "forwardSum: no branches")
    var out = try branches[0].forward(x, path: path, options: options)
    for b in branches.indices.dropFirst() {
        let branch = try branches[b].forward(x, path: path, options: options)
        guard branch.shape == out.shape else {
            throw .shapeMismatch("\(what(b)): cannot add outputs of shapes \(out.shape) and \(branch.shape)")
        }
        out.add(branch, threads: options.threads)  // in place: the running sum is the only full-size tensor besides the branch
    }
    return out
}
