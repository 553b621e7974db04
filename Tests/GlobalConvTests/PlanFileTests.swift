import Testing
@testable import GlobalConv

@Suite("Plan files")
struct PlanFileTests {
    /// A plan file whose decisions section is `decisions` (FFTW sections empty).
    static func file(_ decisions: String) -> String {
        "globalconv-wisdom 2\n0\n0\n\(decisions.utf8.count)\n\(decisions)"
    }

    static let here = "machine \(MachineIdentity.cpu)\nlibrary \(MachineIdentity.library)\n"

    @Test("decisions written by one planner are installed by the import, keyed by shape, geometry and threads")
    func roundTrip() throws {
        let geometry = try ConvolutionGeometry2D(kernel: Size2D(height: 9, width: 5), dilation: Size2D(2), padding: Size2D(height: 8, width: 4))
        let key = ConvolutionPlanner.Key(precision: .float64, inputShape: [3, 5, 17, 19], geometry: geometry, threads: 7)
        ConvolutionPlanner.shared.record(direct: .microseconds(50), fft: .microseconds(80), for: key)
        let sizeKey = FFTSizeChoice.Key(precision: .float32, map: Size2D(height: 17, width: 19), geometry: geometry, effort: .patient)
        FFTSizeChoice.restore(.init(size: Size2D(height: 36, width: 28), mode: .full), for: sizeKey)
        let text = FFTWisdom.exportText()
        ConvolutionPlanner.shared.restore(.init(direct: .microseconds(90), fft: .microseconds(10), count: 1), for: key)
        FFTSizeChoice.restore(.init(size: Size2D(height: 40, width: 40), mode: .pruned), for: sizeKey)
        #expect(try FFTWisdom.importText(text).isEmpty)
        #expect(ConvolutionPlanner.shared.measurement(key) == .init(direct: .microseconds(50), fft: .microseconds(80), count: 1))
        #expect(FFTSizeChoice.entries().first { $0.0 == sizeKey }?.1 == .init(size: Size2D(height: 36, width: 28), mode: .full))
    }

    @Test("a malformed decision line is an error naming the line, and nothing of the file is installed",
          arguments: [
            "path depthwise float32 1,8,24,24 13x13 1x1 6x6 zeros 1 100 200",          // a field short
            "path depthwise float16 1,8,24,24 13x13 1x1 6x6 zeros 1 100 200 1",        // unknown precision
            "path depthwise float32 1,0,24,24 13x13 1x1 6x6 zeros 1 100 200 1",        // zero channels
            "path depthwise float32 1,8,24,24 13x13 1x1 6x6 mirror 1 100 200 1",       // unknown padding mode
            "path depthwise float32 1,8,24,24 13x13 1x1 6x6 zeros 0 100 200 1",        // zero threads
            "path depthwise float32 1,8,24,24 99999999999999999999x1 1x1 6x6 zeros 1 1 2 1",  // overflow
            "size float32 24x24 13x13 1x1 6x6 zeros measure 36x36 sideways",           // unknown mode
            "size float32 24x24 13x13 1x1 6x6 zeros hurried 36x36 pruned",             // unknown effort
            "plan something",
          ])
    func malformedLines(line: String) throws {
        let geometry = try ConvolutionGeometry2D(kernel: Size2D(3), padding: Size2D(1))
        let good = ConvolutionPlanner.Key(precision: .float32, inputShape: [1, 1, 5, 5], geometry: geometry, threads: 3)
        let before = ConvolutionPlanner.shared.measurement(good)
        let text = Self.file(Self.here + "path depthwise float32 1,1,5,5 3x3 1x1 1x1 zeros 3 777 999 1\n" + line + "\n")
        #expect { try FFTWisdom.importText(text) } throws: { ($0 as? FFTWisdomError)?.description.contains("line 4") == true }
        #expect(ConvolutionPlanner.shared.measurement(good) == before)
    }

    @Test("decisions from another CPU or library version are ignored with a warning; version-1 files still load")
    func foreignDecisions() throws {
        let geometry = try ConvolutionGeometry2D(kernel: Size2D(3), padding: Size2D(1))
        let key = ConvolutionPlanner.Key(precision: .float32, inputShape: [1, 1, 6, 6], geometry: geometry, threads: 5)
        let entry = "path depthwise float32 1,1,6,6 3x3 1x1 1x1 zeros 5 777 999 1\n"
        let otherCPU = try FFTWisdom.importText(Self.file("machine Another CPU\nlibrary \(MachineIdentity.library)\n" + entry))
        #expect(otherCPU.count == 1 && otherCPU[0].contains("Another CPU"))
        let otherVersion = try FFTWisdom.importText(Self.file("machine \(MachineIdentity.cpu)\nlibrary 0.0.1\n" + entry))
        #expect(otherVersion.count == 1 && otherVersion[0].contains("0.0.1"))
        #expect(ConvolutionPlanner.shared.measurement(key) == nil)
        #expect(try FFTWisdom.importText("globalconv-wisdom 1\n0\n0\n").isEmpty)
        #expect(throws: FFTWisdomError.self) { try FFTWisdom.importText(Self.file(entry)) }  // no machine line
    }
}
