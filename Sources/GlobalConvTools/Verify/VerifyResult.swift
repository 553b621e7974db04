/// The outcome of checking one case on one path.
///
/// JSON fields (snake_case, `Docs/cli.md`): `case`, `block`, `dtype`, `input_shape`, `path`,
/// `max_abs_error`, `rel_error`, `tolerance`, `passed`, `error`. `max_abs_error` is `max |y − ref|`,
/// `rel_error` is `max_abs_error / max |ref|`, `tolerance` is the absolute bound `max_abs_error` must
/// not exceed; these three are `null` and `error` holds the message when the case could not run
/// (unreadable fixture, unknown block, …), which counts as failed.
package struct VerifyResult: Sendable, Equatable, Codable {
    /// Case name: the fixture's file name without `.safetensors`, or `matrix/<name>` for a built-in case.
    package var caseName: String
    /// Block id (`van.lka`, …) or engine op (`engine:depthwise2d`); empty when a fixture could not be read.
    package var block: String
    /// `float32` or `float64`; empty when unknown.
    package var dtype: String
    /// Input shape `[N, C, H, W]`; empty when unknown.
    package var inputShape: [Int]
    /// `direct`, `fft` or `auto`.
    package var path: String
    package var maxAbsError: Double?
    package var relError: Double?
    package var tolerance: Double?
    package var passed: Bool
    /// Why the case could not run; `nil` when it ran.
    package var error: String?

    package init(caseName: String, block: String, dtype: String, inputShape: [Int], path: String,
                maxAbsError: Double?, relError: Double?, tolerance: Double?, passed: Bool, error: String? = nil) {
        self.caseName = caseName
        self.block = block
        self.dtype = dtype
        self.inputShape = inputShape
        self.path = path
        self.maxAbsError = maxAbsError
        self.relError = relError
        self.tolerance = tolerance
        self.passed = passed
        self.error = error
    }

    /// A compared case: passes when `maxAbsError ≤ tolerance` and every number is finite.
    package static func compared(caseName: String, block: String, dtype: String, inputShape: [Int], path: String,
                                maxAbsError: Double, maxReference: Double, tolerance: Double) -> VerifyResult {
        let rel = maxReference > 0 ? maxAbsError / maxReference : maxAbsError
        let ok = maxAbsError.isFinite && tolerance.isFinite && maxAbsError <= tolerance
        return VerifyResult(caseName: caseName, block: block, dtype: dtype, inputShape: inputShape, path: path,
                            maxAbsError: maxAbsError, relError: rel, tolerance: tolerance, passed: ok,
                            error: maxAbsError.isFinite ? nil : "the output has non-finite values")
    }

    /// A case that could not run: failed, with `message`.
    package static func failure(caseName: String, block: String = "", dtype: String = "", inputShape: [Int] = [],
                               path: String, message: String) -> VerifyResult {
        VerifyResult(caseName: caseName, block: block, dtype: dtype, inputShape: inputShape, path: path,
                     maxAbsError: nil, relError: nil, tolerance: nil, passed: false, error: message)
    }

    enum CodingKeys: String, CodingKey {
        case caseName = "case", block, dtype, inputShape = "input_shape", path
        case maxAbsError = "max_abs_error", relError = "rel_error", tolerance, passed, error
    }

    package func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(caseName, forKey: .caseName)
        try c.encode(block, forKey: .block)
        try c.encode(dtype, forKey: .dtype)
        try c.encode(inputShape, forKey: .inputShape)
        try c.encode(path, forKey: .path)
        // Explicit nulls, so every result has the same fields; non-finite numbers become null too.
        try c.encode(maxAbsError.flatMap { $0.isFinite ? $0 : nil }, forKey: .maxAbsError)
        try c.encode(relError.flatMap { $0.isFinite ? $0 : nil }, forKey: .relError)
        try c.encode(tolerance.flatMap { $0.isFinite ? $0 : nil }, forKey: .tolerance)
        try c.encode(passed, forKey: .passed)
        try c.encode(error, forKey: .error)
    }
}
