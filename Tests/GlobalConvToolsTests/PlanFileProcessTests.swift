import Foundation
import Testing

/// The server's start-up story, across real processes: one process measures and saves a plan file; a
/// fresh process loads it and its first forward measures nothing (counted, not timed).
@Suite("plan files across processes")
struct PlanFileProcessTests {
    /// The `globalconv` executable built beside this test bundle.
    static var binary: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("globalconv")
    }

    /// Runs `globalconv` with `arguments` and returns its stdout, stderr and exit status.
    static func run(_ arguments: [String]) throws -> (stdout: String, stderr: String, status: Int32) {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        let (out, err) = (Pipe(), Pipe())
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile(), stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self), process.terminationStatus)
    }

    /// A fresh directory and the plan file path inside it; requires the built `globalconv`.
    static func scratchPlanFile() throws -> (directory: URL, file: String) {
        try #require(FileManager.default.isExecutableFile(atPath: binary.path), "globalconv not built at \(binary.path)")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("planfile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return (dir, dir.appendingPathComponent("plans.txt").path)
    }

    static func planningMeasurements(_ json: String) throws -> Int {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        return try #require(object["planning_measurements"] as? Int)
    }

    @Test("a fresh process that loads a saved plan file runs its first forward without measuring")
    func freshProcessDoesNotMeasure() throws {
        let (dir, file) = try Self.scratchPlanFile()
        defer { try? FileManager.default.removeItem(at: dir) }
        // K = 13 on 24×24 with 8 channels: close enough that the cost model asks for a measurement.
        let shape = ["--size", "24", "--threads", "1", "--effort", "measure"]
        let saved = try Self.run(["wisdom", "export", file, "--kernels", "13", "--channels", "8", "--dtype", "float32"] + shape)
        try #require(saved.status == 0, "export failed: \(saved.stderr)")
        let text = try String(contentsOfFile: file, encoding: .utf8)
        #expect(text.hasPrefix("globalconv-wisdom 2\n"))
        #expect(text.contains("\npath depthwise float32 1,8,24,24 13x13 1x1 6x6 zeros 1 "))

        let bench = ["bench", "--block", "conv2d.depthwise", "--config", #"{"channels": 8, "kernel_size": 13, "padding": 6}"#,
                     "--path", "auto", "--repeats", "1", "--warmup", "0", "--format", "json", "--allow-debug"] + shape
        // Control: without the file, a fresh process measures (so the check below can fail).
        let cold = try Self.run(bench)
        try #require(cold.status == 0, "bench failed: \(cold.stderr)")
        #expect(try Self.planningMeasurements(cold.stdout) > 0)
        // With the file: nothing measured, no warning.
        let warm = try Self.run(bench + ["--wisdom", file])
        try #require(warm.status == 0, "bench failed: \(warm.stderr)")
        #expect(try Self.planningMeasurements(warm.stdout) == 0)
        #expect(!warm.stderr.contains("warning"))
    }

    @Test("decisions measured on another CPU are ignored with a warning, and the process measures again")
    func otherMachineIsIgnored() throws {
        let (dir, file) = try Self.scratchPlanFile()
        defer { try? FileManager.default.removeItem(at: dir) }
        let shape = ["--size", "24", "--threads", "1", "--effort", "estimate"]
        try #require(try Self.run(["wisdom", "export", file, "--kernels", "13", "--channels", "8"] + shape).status == 0)
        // Rewrite the machine line (and the section's byte count) as if measured elsewhere.
        var text = try String(contentsOfFile: file, encoding: .utf8)
        var lines = text.components(separatedBy: "\n")
        let machine = try #require(lines.firstIndex { $0.hasPrefix("machine ") })
        let oldLength = lines[machine].utf8.count
        lines[machine] = "machine Some Other CPU (GenuineIntel family 6 model 1), 64 CPUs"
        let lengthLine = machine - 1
        lines[lengthLine] = String(Int(lines[lengthLine])! + lines[machine].utf8.count - oldLength)
        text = lines.joined(separator: "\n")
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        let bench = ["bench", "--block", "conv2d.depthwise", "--config", #"{"channels": 8, "kernel_size": 13, "padding": 6}"#,
                     "--path", "auto", "--repeats", "1", "--warmup", "0", "--format", "json", "--allow-debug", "--wisdom", file] + shape
        let run = try Self.run(bench)
        try #require(run.status == 0, "bench failed: \(run.stderr)")
        #expect(run.stderr.contains("warning") && run.stderr.contains("Some Other CPU"))
        #expect(try Self.planningMeasurements(run.stdout) > 0)
    }
}
