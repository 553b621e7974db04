import Backbones
import Foundation
import GlobalConv
import Verification
@testable import GlobalConvTools
import Testing

/// The repository's Fixtures/ directory (``FixturesDirectory``).
let fixturesDirectory: String = FixturesDirectory.path

/// A fresh temporary directory for one test.
func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("globalconv-tools-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Copies fixture `source` to `destination` through the safetensors writer, adding `delta` to
/// element 17 of its `weight`.
func rewrite(_ source: String, to destination: String, dtype: String, delta: Double) throws {
    let file = try SafetensorsFile(atPath: source)
    var writer = SafetensorsWriter(metadata: file.metadata)
    func add<S: TensorScalar>(_: S.Type) throws {
        for (name, t) in try file.allTensors(as: S.self) {
            var s = t.scalars
            if name == "weight" { s[17] += S(delta) }
            writer.add(Tensor(shape: t.shape, scalars: s), named: name)
        }
    }
    if dtype == "float64" { try add(Double.self) } else { try add(Float.self) }
    try writer.write(atPath: destination)
}

@Suite("verify on fixture files")
struct FixtureVerifyTests {
    let fixture = fixturesDirectory + "/conv2d.depthwise.float64.safetensors"

    @Test("an intact fixture passes on every path and exits 0")
    func intact() throws {
        let report = try VerifyRunner.run(VerifyOptions(fixtureFiles: [fixture], threads: 1))
        #expect(report.results.map(\.path) == ["direct", "fft", "auto"])
        for r in report.results {
            #expect(r.passed, "\(r.path): \(r.maxAbsError ?? .nan) > \(r.tolerance ?? .nan) \(r.error ?? "")")
            #expect(r.caseName == "conv2d.depthwise.float64" && r.block == "conv2d.depthwise" && r.dtype == "float64")
            #expect(r.inputShape == [2, 8, 9, 11])
        }
        #expect(report.exitStatus == 0)
    }

    @Test("a truncated fixture is one failed result (path 'all') with the reader's message, and exit status 1")
    func truncated() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let bytes = try Data(contentsOf: URL(fileURLWithPath: fixture))
        let broken = dir.appendingPathComponent("broken.safetensors")
        try bytes.prefix(bytes.count - 100).write(to: broken)
        let report = try VerifyRunner.run(VerifyOptions(fixtureFiles: [broken.path], threads: 1))
        #expect(report.results.count == 1)
        for r in report.results {
            #expect(!r.passed && r.caseName == "broken" && r.maxAbsError == nil && r.path == "all")
            #expect(r.error?.contains("cannot read fixture") == true, "\(r.error ?? "")")
        }
        #expect(report.exitStatus == 1)
        // A file that is not safetensors at all fails the same way.
        let junk = dir.appendingPathComponent("junk.safetensors")
        try Data("hello".utf8).write(to: junk)
        #expect(try VerifyRunner.run(VerifyOptions(paths: [.fft], fixtureFiles: [junk.path])).results.allSatisfy { !$0.passed })
    }

    @Test("a fixture with one weight changed by 1e-3 fails on every path", arguments: ["float32", "float64"])
    func perturbed(dtype: String) throws {
        let source = fixturesDirectory + "/conv2d.depthwise.\(dtype).safetensors"
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let perturbedPath = dir.appendingPathComponent("perturbed.safetensors").path
        let intactPath = dir.appendingPathComponent("intact.safetensors").path
        try rewrite(source, to: perturbedPath, dtype: dtype, delta: 1e-3)
        try rewrite(source, to: intactPath, dtype: dtype, delta: 0)
        let report = try VerifyRunner.run(VerifyOptions(fixtureFiles: [perturbedPath], threads: 1))
        #expect(report.results.count == 3)
        for r in report.results {
            #expect(!r.passed && r.error == nil, "\(r.path) passed with \(r.maxAbsError ?? .nan)")
            #expect((r.maxAbsError ?? 0) > (r.tolerance ?? .infinity))
        }
        #expect(report.exitStatus == 1)
        // The unmodified copy written the same way passes: the failure is the perturbation's.
        let intact = try VerifyRunner.run(VerifyOptions(fixtureFiles: [intactPath], threads: 1))
        #expect(intact.exitStatus == 0)
    }

    @Test("a fixture naming an unknown block is a failed result naming it")
    func unknownBlock() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = try SafetensorsFile(atPath: fixture)
        var meta = file.metadata
        meta["block"] = "no.such_block"
        var writer = SafetensorsWriter(metadata: meta)
        for (name, t) in try file.allTensors(as: Double.self) { writer.add(t, named: name) }
        let path = dir.appendingPathComponent("unknown.safetensors").path
        try writer.write(atPath: path)
        let report = try VerifyRunner.run(VerifyOptions(paths: [.direct], fixtureFiles: [path]))
        #expect(report.results.count == 1)
        #expect(!report.results[0].passed && report.results[0].block == "no.such_block")
        #expect(report.results[0].error?.contains("no.such_block") == true)
    }

    @Test("the fixture directory is scanned for *.safetensors in name order")
    func directoryScan() throws {
        let files = try VerifyRunner.fixtureFiles(in: fixturesDirectory).get()
        #expect(files.count >= 2)
        #expect(files.allSatisfy { $0.hasSuffix(".safetensors") })
        #expect(files == files.sorted())
        #expect(files.contains { $0.hasSuffix("/models/convnext-tiny.float32.safetensors") })
    }

    @Test("a whole-model fixture runs through the model registry on every path; a changed weight or unknown model fails")
    func modelFixture() throws {
        let source = fixturesDirectory + "/models/van-odd.float64.safetensors"
        let report = try VerifyRunner.run(VerifyOptions(fixtureFiles: [source]))
        #expect(report.results.count == 3 && report.results.allSatisfy { $0.passed && $0.block == "van" })
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = try SafetensorsFile(atPath: source)
        for (key, meta) in [("head.bias", file.metadata), ("", file.metadata.merging(["model": "vann"]) { $1 })] {
            var writer = SafetensorsWriter(metadata: meta)
            for (name, t) in try file.allTensors(as: Double.self) {
                var t = t
                if name == key { t.scalars[0] += 1e-3 }
                writer.add(t, named: name)
            }
            let path = dir.appendingPathComponent("changed.safetensors").path
            try writer.write(atPath: path)
            let results = try VerifyRunner.run(VerifyOptions(paths: [.direct], fixtureFiles: [path])).results
            #expect(results.count == 1 && !results[0].passed)
            if key.isEmpty { #expect(results[0].error?.contains("unknown model id \"vann\"") == true) }
        }
    }
}

@Suite("verify block matrix")
struct BlockMatrixTests {
    @Test("random weights have the block's keys and shapes, and positive BN variances")
    func randomWeights() throws {
        let dw = try RandomStateDict.make(id: "conv2d.depthwise", configJSON: BlockMatrix.cases[0].config, seed: 1)
        #expect(dw["weight"]?.shape == [4, 1, 7, 5] && dw["bias"]?.shape == [4])
        let ffn = try RandomStateDict.make(id: "replknet.convffn", configJSON: #"{"in_channels": 4, "internal_channels": 8, "out_channels": 4}"#, seed: 2)
        let variances = ffn.filter { $0.key.hasSuffix("running_var") }
        #expect(!variances.isEmpty)
        #expect(variances.values.allSatisfy { $0.scalars.allSatisfy { $0 >= 0.5 } })
        #expect(throws: ToolError.self) { try RandomStateDict.make(id: "no.such_block", configJSON: "{}", seed: 1) }
    }

    @Test("every block id of Docs/blocks.md has a case, and so every registered id")
    func coverage() {
        let ids = Set(BlockMatrix.cases.map(\.id))
        #expect(ids == ["conv2d.depthwise", "parc.op", "parc.convnext_block", "convnext.block", "van.lka", "van.block",
                        "replknet.large_kernel", "replknet.block", "replknet.convffn", "slak.large_kernel", "slak.block",
                        "unireplknet.dilated_reparam", "moganet.block", "gfnet.block"])
        #expect(Set(BlockRegistry.ids).isSubset(of: ids))
    }

    @Test("every registered block passes fft and auto against direct in both precisions")
    func allBlocksPass() {
        let results = BlockMatrix.run(paths: ConvolutionPath.allCases, toleranceScale: 1, seed: 5, threads: 2)
        #expect(results.count == BlockRegistry.ids.count * 5)
        for r in results {
            #expect(r.passed, "\(r.block) \(r.dtype) \(r.path): \(r.maxAbsError ?? .nan) > \(r.tolerance ?? .nan) \(r.error ?? "")")
        }
    }
}
