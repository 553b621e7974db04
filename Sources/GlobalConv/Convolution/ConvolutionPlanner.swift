/// Chooses the path of `.auto` calls. (Placeholder: always direct until the measured planner lands.)
final class ConvolutionPlanner: Sendable {
    static let shared = ConvolutionPlanner()

    func choose<S: TensorScalar>(for conv: DepthwiseConvolution2D<S>, inputShape: [Int],
                                 options: ExecutionOptions) throws(ConvolutionError) -> ConvolutionPath {
        .direct
    }
}
