import GlobalConv

/// A model with a re-parameterised deploy form: RepLKNet (`structural_reparam`: each large kernel's
/// small-kernel branch and BatchNorms merged into one kernel with bias), SLaK (its three branches merged)
/// and UniRepLKNet (`reparameterize_unireplknet`: the dilated branches, BatchNorms, GRN bias and layer
/// scale folded). The merged model is the same function to rounding (the model tests check it against
/// the unmerged one) and is what a deployment runs.
public protocol MergeableModel<Scalar>: Model {
    /// The deploy form. - Throws: ``BackboneError`` only if a merged kernel cannot be built (never for a
    /// model that loaded).
    func merged() throws(BackboneError) -> Self
}

extension RepLKNetModel: MergeableModel {}
extension SLaKModel: MergeableModel {}
extension UniRepLKNetModel: MergeableModel {}

extension ModelRegistry {
    /// The ids of the families with a deploy form (``MergeableModel``), sorted.
    public static var mergeableIDs: [String] { ids.filter { id in modelType(id: id, Double.self) is any MergeableModel.Type } }

    /// `model`'s deploy form (``MergeableModel/merged()``), or nil for a family without one (ConvNeXt,
    /// VAN, MogaNet, ParC-ConvNeXt, GFNet, GFNet-H: nothing to merge).
    public static func merged<S: TensorScalar>(_ model: any Model<S>) throws(BackboneError) -> (any Model<S>)? {
        guard let mergeable = model as? any MergeableModel<S> else { return nil }
        return try mergeable.merged()
    }
}
