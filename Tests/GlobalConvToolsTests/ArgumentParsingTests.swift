import ArgumentParser
import GlobalConv
import GlobalConvTools
import Testing
@testable import globalconv

/// The message ArgumentParser would print for parsing `arguments`, or nil when they parse.
private func rejection(_ arguments: [String]) -> String? {
    do {
        _ = try GlobalConvCommand.parseAsRoot(arguments)
        return nil
    } catch {
        return GlobalConvCommand.message(for: error)
    }
}

@Suite("globalconv argument parsing")
struct ArgumentParsingTests {
    @Test("sweep accepts lists, ranges and rectangular sizes")
    func sweepGood() throws {
        let command = try GlobalConvCommand.parseAsRoot([
            "sweep", "--kernels", "3...9:2", "--size", "56x40", "--channels", "64", "--batch", "2", "--dtype", "float64",
            "--threads", "1", "--repeats", "3", "--warmup", "0", "--paths", "fft,direct", "--format", "json",
            "--plot", "out.svg", "--allow-debug",
        ])
        let sweep = try #require(command as? SweepCommand)
        let c = try sweep.makeConfiguration()
        #expect(c.kernels == [3, 5, 7, 9])
        #expect(c.size == Size2D(height: 56, width: 40))
        #expect(c.channels == 64 && c.batch == 2 && c.threads == 1 && c.repeats == 3 && c.warmup == 0)
        #expect(c.precision == .float64)
        #expect(c.paths == [.fft, .direct])
    }

    @Test("sweep defaults are the documented quick sweep")
    func sweepDefaults() throws {
        let sweep = try #require(try GlobalConvCommand.parseAsRoot(["sweep", "--allow-debug"]) as? SweepCommand)
        let c = try sweep.makeConfiguration()
        #expect(c.kernels == [3, 5, 7, 9, 13, 17, 21, 27, 31, 41, 51, 63])
        #expect(c.size == Size2D(56) && c.channels == 128 && c.batch == 1 && c.repeats == 9 && c.warmup == 5)
        #expect(c.precision == .float32)
    }

    @Test("a debug build refuses to time without --allow-debug")
    func debugRefusal() {
        #if DEBUG
        let message = rejection(["sweep"])
        #expect(message?.contains("debug build") == true)
        #expect(message?.contains("--allow-debug") == true)
        #else
        #expect(rejection(["sweep"]) == nil)
        #endif
    }

    @Test("bad sweep arguments are rejected saying what is allowed", arguments: [
        (["sweep", "--kernels", "0"], "expected kernel sizes"),
        (["sweep", "--kernels", "3..9"], "first...last:step"),
        (["sweep", "--size", "0x5"], "'HxW'"),
        (["sweep", "--dtype", "float16"], "allowed are float32, float64"),
        (["sweep", "--paths", "direct,gpu"], "allowed are direct, fft, lka, auto"),
        (["sweep", "--format", "junit"], "allowed are table, csv, json, markdown"),
        (["sweep", "--plot", "chart.png"], "ending in .svg"),
        (["sweep", "--channels", "0"], "--channels must be in 1...65536"),
        (["sweep", "--repeats", "0"], "--repeats must be in 1...10000"),
        (["sweep", "--warmup=-1"], "--warmup must be in 0...10000"),
        (["sweep", "--threads", "0"], "--threads must be in 1...1024"),
        (["sweep", "--effort", "fast"], "allowed are estimate, measure, patient"),
        (["sweep", "--batch", "4096", "--channels", "65536"], "larger than 2^28 elements"),
        (["sweep", "--kernels", "3,2000"], "kernel sizes must be in 1...1024"),
    ])
    func sweepBad(arguments: [String], expected: String) {
        let message = rejection(arguments + ["--allow-debug"])
        #expect(message?.contains(expected) == true, "\(arguments): \(message ?? "accepted")")
    }

    @Test("verify options: fixtures, path, format, tolerance scale")
    func verifyGood() throws {
        let verify = try #require(try GlobalConvCommand.parseAsRoot([
            "verify", "--fixture", "a.safetensors", "--fixture", "b.safetensors", "--path", "fft", "--format", "junit",
            "--tolerance-scale", "0.5",
        ]) as? VerifyCommand)
        let o = try verify.makeOptions()
        #expect(o.fixtureFiles == ["a.safetensors", "b.safetensors"])
        #expect(o.paths == [.fft])
        #expect(o.toleranceScale == 0.5)
        let all = try #require(try GlobalConvCommand.parseAsRoot(["verify"]) as? VerifyCommand)
        #expect(try all.makeOptions().paths == [.direct, .fft, .auto])
        #expect(try all.makeOptions().fixturesDirectory == "Fixtures")
    }

    @Test("bad verify arguments are rejected", arguments: [
        (["verify", "--tolerance-scale", "2"], "must be in (0, 1]"),
        (["verify", "--tolerance-scale", "0"], "must be in (0, 1]"),
        (["verify", "--tolerance-scale=-0.5"], "must be in (0, 1]"),
        (["verify", "--path", "gpu"], "allowed are direct, fft, auto, all"),
        (["verify", "--format", "csv"], "allowed are table, json, junit"),
    ])
    func verifyBad(arguments: [String], expected: String) {
        let message = rejection(arguments)
        #expect(message?.contains(expected) == true, "\(arguments): \(message ?? "accepted")")
    }

    @Test("wisdom export needs a file and import parses one")
    func wisdom() throws {
        #expect(rejection(["wisdom", "export"]) != nil)
        #expect(rejection(["wisdom", "export", "w.txt", "--effort", "slow"])?.contains("allowed are estimate") == true)
        #expect(try GlobalConvCommand.parseAsRoot(["wisdom", "import", "w.txt"]) is WisdomCommand.Import)
    }

    @Test("an unknown subcommand is rejected")
    func unknownSubcommand() {
        #expect(rejection(["frobnicate"]) != nil)
    }
}
