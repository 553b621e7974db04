import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import GlobalConv
import Verification
@testable import GlobalConvTools
import Testing

@Suite("verify: reference, engine matrix, reports")
struct VerifyTests {
    @Test("the Float64 reference matches hand-computed correlations")
    func referenceByHand() throws {
        // 3×3 map 1…9, 2×2 kernel [[1,2],[3,4]], no padding, bias ½: y = b + Σ w·x (no flip).
        let x = Tensor<Double>(shape: [1, 1, 3, 3], scalars: (1...9).map(Double.init))
        let w = Tensor<Double>(shape: [1, 1, 2, 2], scalars: [1, 2, 3, 4])
        let g = try ConvolutionGeometry2D(kernel: Size2D(2))
        let out = DepthwiseReference.compute(input: x, weight: w, bias: Tensor(shape: [1], scalars: [0.5]), geometry: g)
        #expect(out.shape == [1, 1, 2, 2])
        #expect(out.values == [37.5, 47.5, 67.5, 77.5])
        #expect(out.magnitudes == [37.5, 47.5, 67.5, 77.5])

        // Circular along W: row [1, 2, 3], taps [1, 10], padding 1: y[j] = x[(j−1) mod 3] + 10·x[j mod 3].
        let xc = Tensor<Double>(shape: [1, 1, 1, 3], scalars: [1, 2, 3])
        let wc = Tensor<Double>(shape: [1, 1, 1, 2], scalars: [1, 10])
        let gc = try ConvolutionGeometry2D(kernel: Size2D(height: 1, width: 2), padding: Size2D(height: 0, width: 1),
                                           paddingMode: .circular)
        #expect(DepthwiseReference.compute(input: xc, weight: wc, bias: nil, geometry: gc).values == [13, 21, 32, 13])

        // Dilation 2 along W, zeros, padding 1: y[j] = x[j−1] + x[j+1].
        let xd = Tensor<Double>(shape: [1, 1, 1, 5], scalars: [1, 2, 3, 4, 5])
        let wd = Tensor<Double>(shape: [1, 1, 1, 2], scalars: [1, 1])
        let gd = try ConvolutionGeometry2D(kernel: Size2D(height: 1, width: 2), dilation: Size2D(height: 1, width: 2),
                                           padding: Size2D(height: 0, width: 1))
        #expect(DepthwiseReference.compute(input: xd, weight: wd, bias: nil, geometry: gd).values == [2, 4, 6, 8, 4])

        // Magnitudes use absolute values.
        let wn = Tensor<Double>(shape: [1, 1, 1, 2], scalars: [1, -1])
        let m = DepthwiseReference.compute(input: xd, weight: wn, bias: Tensor(shape: [1], scalars: [-2]), geometry: gd)
        #expect(m.values == [-4, -4, -4, -4, 2] && m.magnitudes == [4, 6, 8, 10, 6])
    }

    @Test("the circular reference matches a hand-computed ParC correlation along each axis")
    func circularByHand() {
        // Axis W, row [1, 2, 3], taps [1, 10, 100], bias 1: y[i] = 1 + Σ w[k]·x[(i+k) mod 3].
        let x = Tensor<Double>(shape: [1, 1, 1, 3], scalars: [1, 2, 3])
        let w = Tensor<Double>(shape: [1, 1, 1, 3], scalars: [1, 10, 100])
        let b = Tensor<Double>(shape: [1], scalars: [1])
        #expect(CircularReference.compute(input: x, weight: w, bias: b, axis: .width).values == [322, 133, 214])
        // The same along H on the transposed map.
        let xh = Tensor<Double>(shape: [1, 1, 3, 1], scalars: [1, 2, 3])
        let wh = Tensor<Double>(shape: [1, 1, 3, 1], scalars: [1, 10, 100])
        #expect(CircularReference.compute(input: xh, weight: wh, bias: b, axis: .height).values == [322, 133, 214])
    }

    /// Expects a matrix run on all three paths to hold `cases · 2 precisions · 3 paths` results, every one
    /// passed and labelled with `block`.
    func expectAllPass(_ results: [VerifyResult], cases: Int, block: String,
                       sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(results.count == cases * 2 * 3, sourceLocation: sourceLocation)
        for r in results {
            #expect(r.passed, "\(r.caseName) \(r.dtype) \(r.path): \(r.maxAbsError ?? .nan) > \(r.tolerance ?? .nan) \(r.error ?? "")",
                    sourceLocation: sourceLocation)
            #expect(r.block == block, sourceLocation: sourceLocation)
        }
    }

    @Test("every circular 1-D case passes on every path in both precisions")
    func circularMatrixPasses() {
        let results = CircularMatrix.run(paths: ConvolutionPath.allCases, toleranceScale: 1, seed: 1, threads: 2)
        expectAllPass(results, cases: CircularMatrix.cases.count, block: CircularMatrix.blockName)
    }

    @Test("the error bounds follow γ(n) and the FFT log factor")
    func bounds() {
        let u32 = 0x1p-24
        #expect(ErrorBounds.gamma(10, precision: .float32) == 10 * u32 / (1 - 10 * u32))
        #expect(ErrorBounds.direct(precision: .float64, taps: 9, magnitude: 2) == 2 * ErrorBounds.gamma(10, precision: .float64))
        // L = 64 → ⌊log₂L⌋ + 1 = 7; L = 100 → 7.
        #expect(ErrorBounds.fft(precision: .float32, transformPoints: 64, magnitude: 1) == 4 * u32 * 7)
        #expect(ErrorBounds.fft(precision: .float32, transformPoints: 100, magnitude: 1) == 4 * u32 * 7)
        #expect(ErrorBounds.fastLength(11) == 12 && ErrorBounds.fastLength(13) == 14 && ErrorBounds.fastLength(64) == 64)
    }

    @Test("every engine case passes on every path in both precisions")
    func engineMatrixPasses() {
        let results = EngineMatrix.run(paths: ConvolutionPath.allCases, toleranceScale: 1, seed: 1, threads: 2)
        expectAllPass(results, cases: EngineMatrix.cases.count, block: EngineMatrix.blockName)
        // The comparison has teeth: Float64 errors are far below Float32's.
        let worst64 = results.filter { $0.dtype == "float64" }.compactMap(\.relError).max() ?? 1
        #expect(worst64 < 1e-13)
    }

    @Test("a tighter tolerance scale shrinks every tolerance by that factor")
    func toleranceScale() {
        let full = EngineMatrix.run(paths: [.direct], toleranceScale: 1, seed: 3, threads: 1)
        let half = EngineMatrix.run(paths: [.direct], toleranceScale: 0.5, seed: 3, threads: 1)
        for (a, b) in zip(full, half) {
            #expect(b.tolerance == a.tolerance.map { $0 * 0.5 })
        }
        #expect(throws: ToolError.self) { try VerifyOptions(toleranceScale: 1.5).validate() }
        #expect(throws: ToolError.self) { try VerifyOptions(toleranceScale: 0).validate() }
        #expect(throws: ToolError.self) { try VerifyOptions(toleranceScale: .nan).validate() }
    }

    @Test("an error above the tolerance, or a NaN, fails")
    func failingComparisons() {
        let over = VerifyResult.compared(caseName: "c", block: "b", dtype: "float32", inputShape: [1], path: "fft",
                                         maxAbsError: 2e-5, maxReference: 1, tolerance: 1e-5)
        #expect(!over.passed && over.relError == 2e-5)
        #expect(Comparison.maxAbsDifference([Float.nan, 1], [0, 1]) == .infinity)
        let nan = VerifyResult.compared(caseName: "c", block: "b", dtype: "float32", inputShape: [1], path: "fft",
                                        maxAbsError: .infinity, maxReference: 1, tolerance: 1e-5)
        #expect(!nan.passed && nan.error != nil)
        #expect(VerifyReport(results: [over]).exitStatus == 1)
        #expect(VerifyReport(results: []).exitStatus == 1)
    }

    @Test("a missing fixture directory is a failed result, not a crash")
    func missingDirectory() throws {
        let report = try VerifyRunner.run(VerifyOptions(fixturesDirectory: "/nonexistent/fixtures", includeMatrix: false))
        #expect(report.results.count == 1)
        #expect(!report.results[0].passed)
        #expect(report.results[0].error?.contains("/nonexistent/fixtures") == true)
        #expect(report.exitStatus == 1)
    }

    @Test("verify JSON is {results, passed, failed} with exactly the documented fields")
    func jsonShape() throws {
        let report = VerifyReport(results: [
            .compared(caseName: "matrix/a", block: "engine:depthwise2d", dtype: "float64", inputShape: [1, 2, 3, 4],
                      path: "fft", maxAbsError: 1e-15, maxReference: 2, tolerance: 1e-13),
            .failure(caseName: "broken", path: "direct", message: "truncated file"),
        ])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(try report.rendered(.json).utf8)) as? [String: Any])
        #expect(Set(object.keys) == ["results", "passed", "failed"])
        #expect(object["passed"] as? Int == 1 && object["failed"] as? Int == 1)
        let results = try #require(object["results"] as? [[String: Any]])
        for r in results {
            #expect(Set(r.keys) == ["case", "block", "dtype", "input_shape", "path", "max_abs_error", "rel_error",
                                    "tolerance", "passed", "error"])
        }
        #expect(results[0]["input_shape"] as? [Int] == [1, 2, 3, 4])
        #expect(results[0]["rel_error"] as? Double == 5e-16)
        #expect(results[1]["max_abs_error"] is NSNull && results[1]["passed"] as? Bool == false)
        #expect(results[1]["error"] as? String == "truncated file")
        struct Shape: Decodable { var results: [VerifyResult]; var passed: Int; var failed: Int }
        let decoded = try JSONDecoder().decode(Shape.self, from: Data(try report.rendered(.json).utf8))
        #expect(decoded.results == report.results)
    }

    @Test("JUnit output is well-formed with one testcase per result and the failures counted")
    func junit() throws {
        let report = VerifyReport(results: [
            .compared(caseName: "a", block: "van.lka", dtype: "float32", inputShape: [1], path: "fft",
                      maxAbsError: 1, maxReference: 1, tolerance: 0.5),
            .compared(caseName: "a", block: "van.lka", dtype: "float32", inputShape: [1], path: "direct",
                      maxAbsError: 0.1, maxReference: 1, tolerance: 0.5),
            .failure(caseName: "x<&>", path: "auto", message: "bad \"header\" <here>"),
        ])
        let doc = try #require(ElementCollector.parse(try report.rendered(.junit)))
        #expect(doc.elements.filter { $0.name == "testcase" }.count == 3)
        #expect(doc.elements.filter { $0.name == "failure" }.count == 2)
        #expect(doc.elements.first { $0.name == "testsuites" }?.attributes["failures"] == "2")
        #expect(doc.elements.contains { $0.name == "failure" && $0.attributes["message"] == "bad \"header\" <here>" })
    }

    @Test("the table ends with the pass/fail count and lists error messages")
    func table() throws {
        let report = VerifyReport(results: [.failure(caseName: "broken", path: "fft", message: "truncated file")])
        let text = try report.rendered(.table)
        #expect(text.hasSuffix("0 passed, 1 failed"))
        #expect(text.contains("broken [fft]: truncated file"))
    }
}
