import GlobalConv

/// Recognises a checkpoint of the other key set of a re-parameterisable family (RepLKNet's
/// `lkb_reparam` vs training keys, UniRepLKNet's deploy vs training keys) before the strict loader
/// would list dozens of missing and unexpected keys, and says which config flag to set instead.
enum KeySetCheck {
    /// Throws a config error when the state_dict holds only the other form's marker keys.
    static func expect<S: TensorScalar>(merged: Bool, in stateDict: [String: Tensor<S>], model: String,
                                        mergedMarker: String, trainingMarker: String, flag: String) throws(BackboneError) {
        let hasMerged = stateDict.keys.contains { $0.hasSuffix(mergedMarker) }
        let hasTraining = stateDict.keys.contains { $0.hasSuffix(trainingMarker) }
        if !merged, hasMerged, !hasTraining {
            throw .config(block: model, message: "the weights are the merged (deploy) key set (keys ending in \(mergedMarker)) but the config asks for the training form: set \(flag): true")
        }
        if merged, hasTraining, !hasMerged {
            throw .config(block: model, message: "the weights are the training key set (keys ending in \(trainingMarker)) but the config asks for the merged (deploy) form: set \(flag): false, or load the training form and call merged()")
        }
    }
}
