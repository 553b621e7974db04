import Foundation
import GlobalConv
import GlobalConvTools
import LargeKernel
import Testing
@testable import globalconv

@Suite("decompose")
struct DecomposeTests {
    @Test("counts for K = 21 on 32 channels match the VAN paper and the cost formulas")
    func counts() throws {
        let costs = try KernelCosts(kernel: 21, channels: 32, size: (14, 14))
        let dense = try #require(costs.rows.first { $0.form == "dense" })
        #expect(dense.params == 32 * 441 && dense.flops == 2 * 14 * 14 * 32 * 441 && dense.extent == 21)
        let best = try #require(costs.rows.first { $0.best })
        #expect(best.form == "lka" && best.dilation == 3)
        #expect(best.params == 3_392)            // VAN paper, Table 2: K = 21, d = 3, C = 32
        #expect(best.extent == 23)
        #expect(best.flops == 2 * 14 * 14 * 3_392)
        #expect(costs.rows.filter(\.best).count == 1)
        let slak = try #require(costs.rows.first { $0.form == "slak" })
        #expect(slak.params == 32 * (2 * 21 * 5 + 25))
        let replk = try #require(costs.rows.first { $0.form == "replk" })
        #expect(replk.params == 32 * (441 + 25))
        // Every listed LKA has fewer depthwise taps than the dense kernel, or is the best one.
        for r in costs.rows where r.form == "lka" {
            let d = try #require(r.dilation)
            let kp = (21 + d - 1) / d
            #expect(r.best || (2 * d - 1) * (2 * d - 1) + kp * kp < 441)
        }
    }

    @Test("useful dilations keep the smallest d per ⌈K/d⌉ and always the best one")
    func usefulDilations() throws {
        #expect(try KernelCosts.usefulDilations(kernel: 21) == [2, 3, 4, 5, 6, 7])
        #expect(try KernelCosts.usefulDilations(kernel: 3) == [2])   // the best d ≥ 2 for K = 3
        #expect(try KernelCosts.usefulDilations(kernel: 2).isEmpty)   // no decomposition with d ≥ 2
        #expect(throws: ToolError.self) { try KernelCosts(kernel: 0, channels: 8, size: (8, 8)) }
    }

    @Test("decompose JSON has the documented fields and a null dilation outside LKA rows")
    func json() throws {
        let text = try KernelCosts(kernel: 13, channels: 8, size: (10, 12)).rendered(.json)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(Set(object.keys) == ["kernel", "channels", "size", "rows"])
        #expect(object["size"] as? [Int] == [10, 12])
        let rows = try #require(object["rows"] as? [[String: Any]])
        for r in rows {
            #expect(Set(r.keys) == ["form", "layout", "dilation", "params", "flops", "params_ratio", "extent", "best", "note"])
        }
        #expect(rows[0]["dilation"] is NSNull)
    }

    /// Writes `kernel` under `key` into a temporary safetensors file, alone in its directory (the caller
    /// removes it: ``removeDirectory(of:)``).
    func write(_ kernel: Tensor<Double>, key: String) throws -> String {
        let dir = try temporaryDirectory()
        var writer = SafetensorsWriter()
        writer.add(kernel, named: key)
        writer.add(Tensor<Double>(zeros: [3]), named: "other")
        let path = dir.appendingPathComponent("k.safetensors").path
        try writer.write(atPath: path)
        return path
    }

    /// Removes the directory holding `path`.
    func removeDirectory(of path: String) {
        try? FileManager.default.removeItem(at: URL(fileURLWithPath: path).deletingLastPathComponent())
    }

    @Test("the LKA fit recovers a kernel that is itself an LKA composition")
    func fitRecoversComposition() throws {
        let c = 3
        let a = try DepthwiseKernel(weight: Tensor<Double>.random(shape: [c, 1, 5, 5], seed: 1))
        let b = try DepthwiseKernel(weight: Tensor<Double>.random(shape: [c, 1, 7, 7], seed: 2), dilation: Size2D(3))
        let composed = try a.composed(with: b)          // 23×23
        #expect(composed.weight.shape == [c, 1, 23, 23])
        let path = try write(composed.weight, key: "lk.weight")
        defer { removeDirectory(of: path) }
        let report = try LKAFitReport.run(file: path, key: "lk.weight", kernel: 21, dilation: 3)
        #expect(report.channels == c && report.targetSize == 23 && report.kernel == 21 && report.dilation == 3)
        #expect(report.overallError < 1e-9)
        #expect(report.channelErrors.count == c && report.channelErrors.allSatisfy { $0 < 1e-9 })
        #expect(report.factorParams == c * (25 + 49) && report.denseParams == c * 23 * 23)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(try report.rendered(.json).utf8)) as? [String: Any])
        #expect(Set(object.keys) == ["file", "key", "channels", "target_size", "kernel", "dilation", "channel_error",
                                     "overall_error", "dense_params", "factor_params", "channel_errors"])
        #expect(Set((object["channel_error"] as? [String: Double])?.keys ?? [:].keys) == ["min", "median", "max"])
    }

    @Test("a random dense kernel's fit error is reported, between 0 and 1")
    func fitRandom() throws {
        let path = try write(Tensor<Double>.random(shape: [2, 1, 21, 21], seed: 9), key: "w")
        defer { removeDirectory(of: path) }
        let report = try LKAFitReport.run(file: path, key: "w")
        #expect(report.kernel == 21 && report.dilation == 3)
        #expect(report.overallError > 0 && report.overallError <= 1)
        let s = report.summary
        #expect(s.min <= s.median && s.median <= s.max)
        #expect(try report.rendered(.table).contains("overall"))
    }

    @Test("decompose --kernel 2 and 3 list no LKA row with d = 1; K = 2 says it is too small", arguments: [1, 2, 3, 4])
    func smallKernels(kernel: Int) throws {
        let costs = try KernelCosts(kernel: kernel, channels: 8, size: (7, 7))
        let lka = costs.rows.filter { $0.form == "lka" }
        #expect(lka.allSatisfy { ($0.dilation ?? 0) >= 2 }, "\(lka)")
        let table = try costs.rendered(.table)
        if kernel < 3 {
            #expect(lka.isEmpty)
            #expect(table.contains("too small for an LKA decomposition with d ≥ 2"), "\(table)")
        } else {
            #expect(lka.contains { $0.best && $0.dilation == 2 })
            #expect(table.contains("* LKA dilation with the fewest parameters"))
        }
    }

    @Test("a missing key or a non-kernel tensor is a clear error")
    func fitErrors() throws {
        let path = try write(Tensor<Double>.random(shape: [2, 1, 5, 5], seed: 9), key: "w")
        defer { removeDirectory(of: path) }
        #expect { try LKAFitReport.run(file: path, key: "nope") } throws: { "\($0)".contains("has no tensor 'nope'") && "\($0)".contains("w") }
        #expect { try LKAFitReport.run(file: path, key: "other") } throws: { "\($0)".contains("[C, 1, t, t]") }
        #expect(throws: ToolError.self) { try LKAFitReport.run(file: "/nonexistent.safetensors", key: "w") }
    }

    @Test("decompose arguments: counts need --kernel, a fit needs --key")
    func arguments() throws {
        func rejection(_ args: [String]) -> String? {
            do { _ = try GlobalConvCommand.parseAsRoot(args); return nil } catch { return GlobalConvCommand.message(for: error) }
        }
        #expect(rejection(["decompose", "--kernel", "31", "--channels", "64", "--size", "56x40", "--format", "json"]) == nil)
        #expect(rejection(["decompose"])?.contains("give --kernel K") == true)
        #expect(rejection(["decompose", "--fit", "w.safetensors"])?.contains("--fit needs --key") == true)
        #expect(rejection(["decompose", "--kernel", "7", "--key", "w"])?.contains("only used with --fit") == true)
        #expect(rejection(["decompose", "--kernel", "0"])?.contains("--kernel must be in 1...4096") == true)
        #expect(rejection(["decompose", "--kernel", "7", "--format", "csv"])?.contains("allowed are table, json") == true)
        #expect(rejection(["decompose", "--kernel", "7", "--size", "0"]) != nil)
        #expect(rejection(["decompose", "--fit", "w.safetensors", "--key", "w", "--kernel", "21", "--dilation", "22"]) != nil)
    }
}
