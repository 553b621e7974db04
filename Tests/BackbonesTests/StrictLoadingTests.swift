import Foundation
import Testing
import GlobalConv
import Verification
@testable import Backbones

/// The convnext.block state_dict of Docs/blocks.md for `dim` d and kernel k, random order-one values.
func convNeXtStateDict(dim d: Int, kernel k: Int) -> [String: Tensor<Double>] {
    let shapes: [String: [Int]] = [
        "dwconv.weight": [d, 1, k, k], "dwconv.bias": [d], "norm.weight": [d], "norm.bias": [d],
        "pwconv1.weight": [4 * d, d], "pwconv1.bias": [4 * d], "pwconv2.weight": [d, 4 * d], "pwconv2.bias": [d], "gamma": [d],
    ]
    var sd: [String: Tensor<Double>] = [:]
    for (i, (key, shape)) in shapes.sorted(by: { $0.key < $1.key }).enumerated() {
        sd[key] = .random(shape: shape, seed: UInt64(100 + i))
    }
    return sd
}

@Suite("Strict state_dict loading")
struct StrictLoadingTests {
    let config = #"{"dim": 4, "kernel_size": 5}"#

    private func loadError(_ sd: [String: Tensor<Double>]) -> StateDictError? {
        do {
            _ = try ConvNeXtBlock<Double>(configJSON: config, stateDict: sd)
            return nil
        } catch {
            guard case .stateDict(let e) = error else { Issue.record("expected a state_dict error, got \(error)"); return nil }
            return e
        }
    }

    @Test("the complete state_dict loads")
    func completeLoads() throws {
        _ = try ConvNeXtBlock<Double>(configJSON: config, stateDict: convNeXtStateDict(dim: 4, kernel: 5))
    }

    @Test("a missing key is reported with its expected shape")
    func missingKey() throws {
        var sd = convNeXtStateDict(dim: 4, kernel: 5)
        sd["pwconv1.bias"] = nil
        let e = try #require(loadError(sd))
        #expect(e.problems == [.missing(key: "pwconv1.bias", expected: [16])])
        #expect(e.description.contains("pwconv1.bias"))
    }

    @Test("an unexpected key is reported")
    func unexpectedKey() throws {
        var sd = convNeXtStateDict(dim: 4, kernel: 5)
        sd["head.weight"] = Tensor(zeros: [3])
        let e = try #require(loadError(sd))
        #expect(e.problems == [.unexpected(key: "head.weight", shape: [3])])
    }

    @Test("a wrong shape is reported with both shapes")
    func wrongShape() throws {
        var sd = convNeXtStateDict(dim: 4, kernel: 5)
        sd["dwconv.weight"] = Tensor(zeros: [4, 1, 7, 7])
        let e = try #require(loadError(sd))
        #expect(e.problems == [.shapeMismatch(key: "dwconv.weight", expected: [4, 1, 5, 5], got: [4, 1, 7, 7])])
        #expect(e.description.contains("[4, 1, 5, 5]") && e.description.contains("[4, 1, 7, 7]"))
    }

    @Test("a missing key, an extra key and a wrong shape at once give one error listing all three")
    func allThreeTogether() throws {
        var sd = convNeXtStateDict(dim: 4, kernel: 5)
        sd["gamma"] = nil
        sd["norm.running_mean"] = Tensor(zeros: [4])
        sd["pwconv2.weight"] = Tensor(zeros: [16, 4])
        let e = try #require(loadError(sd))
        #expect(e.missingKeys == ["gamma"])
        #expect(e.unexpectedKeys == ["norm.running_mean"])
        #expect(e.mismatchedKeys == ["pwconv2.weight"])
        #expect(e.problems.count == 3)
        for key in ["gamma", "norm.running_mean", "pwconv2.weight"] { #expect(e.description.contains(key)) }
    }

    @Test("BatchNorm's num_batches_tracked is accepted and ignored")
    func numBatchesTrackedIgnored() throws {
        var sd: [String: Tensor<Double>] = [:]
        for p in ["preffn_bn", "pw1.bn", "pw2.bn"] {
            let c = p == "pw1.bn" ? 6 : 3
            for k in ["weight", "bias", "running_mean"] { sd["\(p).\(k)"] = .random(shape: [c], seed: 1) }
            sd["\(p).running_var"] = Tensor(repeating: 1, shape: [c])
            sd["\(p).num_batches_tracked"] = Tensor(zeros: [])
        }
        sd["pw1.conv.weight"] = .random(shape: [6, 3, 1, 1], seed: 2)
        sd["pw2.conv.weight"] = .random(shape: [3, 6, 1, 1], seed: 3)
        _ = try ConvFFNBlock<Double>(configJSON: #"{"in_channels": 3, "internal_channels": 6, "out_channels": 3}"#, stateDict: sd)
    }
}

@Suite("Strict loading of nested blocks")
struct NestedStrictLoadingTests {
    @Test("replknet.block: a missing nested BN key, an extra key and a wrong kernel shape come back as one error")
    func repLKBlockAllThree() throws {
        let f = try Fixture<Double>(file: SafetensorsFile(atPath: FixtureFiles.path("replknet.block.float64.safetensors")))
        var sd = f.stateDict
        sd["large_kernel.small_conv.bn.running_var"] = nil
        sd["large_kernel.lkb_reparam.weight"] = Tensor(zeros: [16, 1, 13, 13])
        sd["pw1.conv.weight"] = Tensor(zeros: [16, 8, 3, 3])
        do {
            _ = try RepLKBlock<Double>(configJSON: f.config, stateDict: sd)
            Issue.record("a broken state_dict loaded")
        } catch {
            guard case .stateDict(let e) = error else { Issue.record("\(error)"); return }
            #expect(e.missingKeys == ["large_kernel.small_conv.bn.running_var"])
            #expect(e.unexpectedKeys == ["large_kernel.lkb_reparam.weight"])
            #expect(e.problems.contains(.shapeMismatch(key: "pw1.conv.weight", expected: [16, 8, 1, 1], got: [16, 8, 3, 3])))
            #expect(e.problems.count == 3)
        }
    }

    @Test("a merged config with unmerged weights lists every unmerged key as unexpected and the merged ones as missing")
    func mergedConfigUnmergedWeights() throws {
        let f = try Fixture<Double>(file: SafetensorsFile(atPath: FixtureFiles.path("replknet.large_kernel.float64.safetensors")))
        let config = f.config.replacingOccurrences(of: "\"reparameterized\":false", with: "\"reparameterized\":true")
        #expect(config != f.config)
        do {
            _ = try RepLKLargeKernelBlock<Double>(configJSON: config, stateDict: f.stateDict)
            Issue.record("loaded unmerged weights into a merged block")
        } catch {
            guard case .stateDict(let e) = error else { Issue.record("\(error)"); return }
            #expect(e.missingKeys == ["lkb_reparam.bias", "lkb_reparam.weight"])
            #expect(e.unexpectedKeys.count == 10)
        }
    }
}
