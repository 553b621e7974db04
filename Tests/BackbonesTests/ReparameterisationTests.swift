import Testing
import GlobalConv
import Verification
@testable import Backbones

/// Merged (re-parameterised) and unmerged forms of the RepLK, SLaK and UniRepLK blocks give the same
/// output: the merge is exact in exact arithmetic (branches share input, centre and zero padding), so
/// in Float64 they agree to rounding (≤ 1e-12 of max|y|), on the direct and FFT paths.
@Suite("Merged vs unmerged blocks")
struct ReparameterisationTests {
    private func fixture(_ name: String) throws -> Fixture<Double> {
        try Fixture<Double>(file: SafetensorsFile(atPath: FixtureFiles.path(name)), source: name)
    }

    private func expectSame(_ a: Tensor<Double>, _ b: Tensor<Double>, _ what: String) {
        #expect(a.shape == b.shape)
        let scale = b.scalars.map(abs).max() ?? 0
        let err = zip(a.scalars, b.scalars).map { abs($0 - $1) }.max() ?? .infinity
        #expect(err <= 1e-12 * scale, "\(what): merged and unmerged differ by \(err) (max|y| \(scale))")
    }

    @Test("replknet.large_kernel, slak.large_kernel, unireplknet.dilated_reparam: merged() equals the unmerged block",
          arguments: ["replknet.large_kernel.float64.safetensors", "slak.large_kernel.float64.safetensors",
                      "unireplknet.dilated_reparam.float64.safetensors", "unireplknet.dilated_reparam-k9.float64.safetensors"])
    func largeKernels(file: String) throws {
        let f = try fixture(file)
        for path in [ConvolutionPath.direct, .fft] {
            let (y, ym): (Tensor<Double>, Tensor<Double>)
            switch f.block {
            case RepLKLargeKernelBlock<Double>.id:
                let b = try RepLKLargeKernelBlock<Double>(configJSON: f.config, stateDict: f.stateDict)
                (y, ym) = (try b(f.input, path: path), try b.merged()(f.input, path: path))
            case SLaKLargeKernelBlock<Double>.id:
                let b = try SLaKLargeKernelBlock<Double>(configJSON: f.config, stateDict: f.stateDict)
                (y, ym) = (try b(f.input, path: path), try b.merged()(f.input, path: path))
            default:
                let b = try DilatedReparamConvBlock<Double>(configJSON: f.config, stateDict: f.stateDict)
                (y, ym) = (try b(f.input, path: path), try b.merged()(f.input, path: path))
            }
            expectSame(ym, y, "\(file) \(path)")
        }
    }

    @Test("replknet.block and slak.block: the block with a merged kernel equals the unmerged block",
          arguments: ["replknet.block.float64.safetensors", "slak.block.float64.safetensors"])
    func blocks(file: String) throws {
        let f = try fixture(file)
        for path in [ConvolutionPath.direct, .fft] {
            if f.block == RepLKBlock<Double>.id {
                let b = try RepLKBlock<Double>(configJSON: f.config, stateDict: f.stateDict)
                expectSame(try b.merged()(f.input, path: path), try b(f.input, path: path), "\(file) \(path)")
            } else {
                let b = try SLaKBlock<Double>(configJSON: f.config, stateDict: f.stateDict)
                expectSame(try b.merged()(f.input, path: path), try b(f.input, path: path), "\(file) \(path)")
            }
        }
    }

    @Test("the merged RepLK and UniRepLK fixtures (merged by PyTorch) and the unmerged ones give the same output",
          arguments: [("replknet.large_kernel", ""), ("replknet.block", ""), ("unireplknet.dilated_reparam", ""),
                      ("unireplknet.dilated_reparam", "-k9")])
    func mergedFixtures(block: String, variant: String) throws {
        let u = try fixture("\(block)\(variant).float64.safetensors")
        let m = try fixture("\(block)\(variant)-merged.float64.safetensors")
        #expect(u.input == m.input)
        let bu = try BlockRegistry.make(id: block, configJSON: u.config, stateDict: u.stateDict)
        let bm = try BlockRegistry.make(id: block, configJSON: m.config, stateDict: m.stateDict)
        for path in ConvolutionPath.allCases {
            expectSame(try bm.forward(m.input, path: path, options: .default), try bu.forward(u.input, path: path, options: .default),
                       "\(block)\(variant) \(path)")
        }
    }
}
