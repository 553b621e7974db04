import GlobalConv

extension Convolution2D {
    /// An `nn.Conv2d(cin, cout, kernel, stride, padding, groups, bias)` from `weight` `[cout, cin/groups, kh, kw]`
    /// (and `bias` `[cout]`) under `scope`.
    init(_ scope: StateDictScope<Scalar>, in cin: Int, out cout: Int, kernel: Size2D, stride: Size2D, padding: Size2D,
         groups: Int = 1, bias: Bool = true) throws(BackboneError) {
        let w = try scope.take("weight", [cout, cin / groups, kernel.height, kernel.width])
        let b = try bias ? scope.take("bias", [cout]) : nil
        do { try self.init(weight: w, bias: b, stride: stride, padding: padding, groups: groups) } catch { throw .convolution(error) }
    }

    /// Runs the convolution for `model`, with `epilogue`'s per-channel steps (groups 1) applied as each output is
    /// stored; a map too small for it is an input error naming the model and `layer`.
    func run(_ x: Tensor<Scalar>, epilogue: PointwiseEpilogue<Scalar>? = nil, threads: Int, model: String,
             layer: String) throws(BackboneError) -> Tensor<Scalar> {
        do { return try self(x, epilogue: epilogue, threads: threads) } catch {
            throw .input(block: model, message: "\(layer): \(error)")
        }
    }
}

extension Linear {
    /// An `nn.Linear(cin, cout)` from `weight` `[cout, cin]` and `bias` `[cout]` under `scope`.
    init(_ scope: StateDictScope<Scalar>, in cin: Int, out cout: Int) throws(BackboneError) {
        let w = try scope.take("weight", [cout, cin])
        let b = try scope.take("bias", [cout])
        do { try self.init(weight: w, bias: b) } catch { throw .convolution(error) }
    }

    /// The official classifier `nn.Linear(cin, num_classes) if num_classes > 0 else nn.Identity()` (VAN,
    /// MogaNet, GFNet): the `Linear` under `scope`, or `nil` — no keys, the pooled features pass through —
    /// for `classes == 0`.
    static func classifier(_ scope: StateDictScope<Scalar>, in cin: Int, classes: Int) throws(BackboneError) -> Linear? {
        classes == 0 ? nil : try Linear(scope, in: cin, out: classes)
    }
}

extension Optional {
    /// A classifier head from ``Linear/classifier(_:in:classes:)`` on the pooled features (`[N, C]`, or
    /// `[N, C, 1, 1]` as ``Tensor/spatialMean(threads:)`` gives them): the logits, or the features as
    /// `[N, C]` where the head is the official `nn.Identity` (`num_classes` 0).
    func classify<S: TensorScalar>(_ pooled: Tensor<S>, threads: Int) throws(BackboneError) -> Tensor<S> where Wrapped == Linear<S> {
        guard let head = self else { return pooled.reshaped([pooled.shape[0], pooled.shape[1]]) }
        do { return try head(pooled, threads: threads) } catch { throw .convolution(error) }
    }
}
