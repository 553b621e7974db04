import Testing
#if canImport(Glibc)
import Glibc
#endif
import GlobalConv
import Verification
@testable import Backbones

/// Every PyTorch fixture × {direct, fft, auto}, in the fixture's own precision, within the tolerances
/// of Docs/numerics.md §4 (1e-10 of max|output| for Float64, 1e-4 for Float32).
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
        let checks = try BlockRegistry.runFixture(atPath: FixtureFiles.path(file), using: ConvolutionPath.allCases,
                                                  options: ExecutionOptions(threads: 2))
        #expect(checks.map(\.path) == ConvolutionPath.allCases)
        for check in checks {
            print("fixture-check \(check)")
            #expect(check.passed, "\(check)")
        }
    }

    /// Float64 fixtures only: an order-one weight changed by 1e-3 moves the output by about 1e-4 of
    /// max|output| (measured 6e-5 … 8e-4), six orders above the Float64 tolerance but of the order of the
    /// Float32 one (Docs/numerics.md §4), so only Float64 separates the two cases with a margin.
    @Test("a Float64 fixture with one weight changed by 1e-3 fails its check",
          arguments: FixtureFiles.registered.filter { $0.hasSuffix(".float64.safetensors") })
    func perturbedFixtureFails(file: String) throws {
        let f = try SafetensorsFile(atPath: FixtureFiles.path(file))
        try perturbed(Fixture<Double>(file: f, source: file))
    }

    private func perturbed<S: TensorScalar>(_ fixture: Fixture<S>) throws {
        let baseline = try fixture.check(path: .direct)
        #expect(baseline.passed)
        // The largest weight tensor (a spatial kernel where the block has one): for a depthwise kernel
        // [C,1,kh,kw] the centre tap of channel 0 (a corner tap of a kernel larger than the map may only
        // ever read padding), otherwise the first element.
        let key = try #require(fixture.stateDict.keys.sorted().max { fixture.stateDict[$0]!.count < fixture.stateDict[$1]!.count })
        let shape = fixture.stateDict[key]!.shape
        let index = shape.count == 4 && shape[1] == 1 ? (shape[2] / 2) * shape[3] + shape[3] / 2 : 0
        var changed = fixture
        changed.stateDict[key]!.scalars[index] += S(1e-3)
        let check = try changed.check(path: .direct)
        print("perturbed \(fixture.source) \(key): rel_error \(check.relativeError) (tolerance \(check.tolerance))")
        #expect(!check.passed, "changing \(key)[0] by 1e-3 went unnoticed: \(check)")
    }
}

@Suite("Fixture runner errors")
struct FixtureRunnerErrorTests {
    private func write(_ metadata: [String: String], _ tensors: [String: Tensor<Double>]) throws -> String {
        var w = SafetensorsWriter(metadata: metadata)
        for (k, t) in tensors { w.add(t, named: k) }
        let path = "/tmp/backbones-test-\(metadata["block"] ?? "none")-\(UInt64.random(in: 0...UInt64.max)).safetensors"
        try w.write(atPath: path)
        return path
    }

    private let io: [String: Tensor<Double>] = ["input": Tensor(zeros: [1, 2, 3, 3]), "output": Tensor(zeros: [1, 2, 3, 3])]

    @Test("a fixture naming an unknown block id fails with the unknown-block error")
    func unknownBlockInFixture() throws {
        let path = try write(["globalconv.fixture": "1", "block": "van.blok", "config": "{}", "dtype": "float64"], io)
        defer { unlink(path) }
        #expect { try BlockRegistry.runFixture(atPath: path) } throws: { e in
            guard case BackboneError.unknownBlock("van.blok") = e else { return false }
            return true
        }
    }

    @Test("a file without fixture metadata, a dtype disagreeing with the tensors, or no such file is a fixture error")
    func notAFixture() throws {
        let plain = try write([:], io)
        let lying = try write(["globalconv.fixture": "1", "block": "conv2d.depthwise", "config": "{}", "dtype": "float32"], io)
        defer { unlink(plain); unlink(lying) }
        for path in [plain, lying, "/tmp/no-such-backbones-fixture.safetensors"] {
            #expect { try BlockRegistry.runFixture(atPath: path) } throws: { e in
                guard case BackboneError.fixture = e else { return false }
                return true
            }
        }
    }

    @Test("a fixture whose weights do not fit its block reports the state_dict problems")
    func badWeightsInFixture() throws {
        var tensors = io
        tensors["weight"] = Tensor(zeros: [2, 1, 3, 3])
        let path = try write(["globalconv.fixture": "1", "block": "conv2d.depthwise",
                              "config": #"{"channels": 2, "kernel_size": [3, 3], "padding": [1, 1]}"#, "dtype": "float64"], tensors)
        defer { unlink(path) }
        #expect { try BlockRegistry.runFixture(atPath: path) } throws: { e in
            guard case BackboneError.stateDict(let s) = e else { return false }
            return s.missingKeys == ["bias"]
        }
    }
}

@Suite("Registry coverage")
struct RegistryCoverageTests {
    @Test("every block of Docs/blocks.md is registered, and has fixtures in both precisions")
    func everyBlockRegistered() {
        let catalogue = ["conv2d.depthwise", "parc.op", "parc.convnext_block", "convnext.block", "van.lka", "van.block",
                         "replknet.large_kernel", "replknet.block", "replknet.convffn", "slak.large_kernel", "slak.block",
                         "unireplknet.dilated_reparam", "moganet.block", "gfnet.block"]
        #expect(BlockRegistry.ids == catalogue.sorted())
        #expect(FixtureFiles.registered.count == FixtureFiles.all.count, "fixtures of unregistered blocks: \(FixtureFiles.all.filter { !FixtureFiles.registered.contains($0) })")
        #expect(FixtureFiles.all.count >= 2 * catalogue.count)
    }
}
