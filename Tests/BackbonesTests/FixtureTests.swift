import Testing
import GlobalConv
@testable import Backbones

/// Every PyTorch fixture × {direct, fft, auto}, in the fixture's own precision, within the tolerances
/// of Docs/numerics-blocks.md (1e-10 of max|output| for Float64, 1e-4 for Float32).
@Suite("PyTorch fixtures")
struct FixtureTests {
    @Test("the Fixtures directory holds a Float32 and a Float64 fixture of every registered block")
    func fixturesArePresent() {
        let names = FixtureFiles.registered
        #expect(!names.isEmpty, "no fixture found in \(FixtureFiles.directory)")
        for id in BlockRegistry.ids {
            for dtype in ["float32", "float64"] {
                #expect(names.contains { FixtureFiles.blockID($0) == id && $0.hasSuffix(".\(dtype).safetensors") },
                        "no \(dtype) fixture for \(id) in \(FixtureFiles.directory)")
            }
        }
    }

    @Test("the block reproduces PyTorch's output on every path", arguments: FixtureFiles.registered)
    func matchesPyTorch(file: String) throws {
        let checks = try BlockRegistry.runFixture(at: FixtureFiles.path(file), paths: ConvolutionPath.allCases,
                                                  options: ExecutionOptions(threads: 2))
        #expect(checks.map(\.path) == ConvolutionPath.allCases)
        for check in checks {
            print("fixture-check \(check)")
            #expect(check.passed, "\(check)")
        }
    }

    /// Float64 fixtures only: an order-one weight changed by 1e-3 moves the output by about 1e-4 of
    /// max|output| (measured 6e-5 … 8e-4), six orders above the Float64 tolerance but of the order of the
    /// Float32 one (Docs/numerics-blocks.md), so only Float64 separates the two cases with a margin.
    @Test("a Float64 fixture with one weight changed by 1e-3 fails its check",
          arguments: FixtureFiles.registered.filter { $0.hasSuffix(".float64.safetensors") })
    func perturbedFixtureFails(file: String) throws {
        let f = try SafetensorsFile(contentsOf: FixtureFiles.path(file))
        try perturbed(Fixture<Double>(file: f, source: file))
    }

    private func perturbed<S: TensorScalar>(_ fixture: Fixture<S>) throws {
        let baseline = try fixture.check(path: .direct)
        #expect(baseline.passed)
        // The largest weight tensor (a spatial kernel where the block has one), first element.
        let key = try #require(fixture.stateDict.keys.sorted().max { fixture.stateDict[$0]!.count < fixture.stateDict[$1]!.count })
        var changed = fixture
        changed.stateDict[key]!.scalars[0] += S(1e-3)
        let check = try changed.check(path: .direct)
        print("perturbed \(fixture.source) \(key): rel_error \(check.relativeError) (tolerance \(check.tolerance))")
        #expect(!check.passed, "changing \(key)[0] by 1e-3 went unnoticed: \(check)")
    }
}
