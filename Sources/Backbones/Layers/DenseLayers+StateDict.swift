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
}
