/// A block's typed config that reads itself from a JSON ``BlockConfig`` with ``BlockConfig``'s checks
/// (every missing and unknown key in one error): what a ``LargeKernelConvolutionBlock`` is built from.
package protocol TypedBlockConfig: Sendable {
    /// Reads a JSON config. - Throws: ``BackboneError/config(block:message:)``.
    static func parse(_ config: BlockConfig) throws(BackboneError) -> Self
}

extension DilatedReparamConvBlockConfig: TypedBlockConfig {}

extension SLaKLargeKernelBlockConfig: TypedBlockConfig {}

extension RepLKLargeKernelBlockConfig: TypedBlockConfig {}
