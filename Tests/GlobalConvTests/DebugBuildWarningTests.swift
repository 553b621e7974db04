#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Testing
import QuietDebugWarning
@testable import GlobalConv

@Suite("Debug build warning")
struct DebugBuildWarningTests {
    @Test("a debug build warns exactly once per warning flag; GLOBALCONV_QUIET_DEBUG=1 and release builds never warn")
    func once() {
        #expect(DebugBuildWarning.shouldWarn(isDebugBuild: true, quietValue: nil))
        #expect(DebugBuildWarning.shouldWarn(isDebugBuild: true, quietValue: "0"))
        #expect(!DebugBuildWarning.shouldWarn(isDebugBuild: true, quietValue: "1"))
        #expect(!DebugBuildWarning.shouldWarn(isDebugBuild: false, quietValue: nil))

        let warning = DebugBuildWarning()
        var written: [String] = []
        #expect(!warning.emitOnce(shouldWarn: false) { written.append($0) })
        #expect(warning.emitOnce(shouldWarn: true) { written.append($0) })
        #expect(!warning.emitOnce(shouldWarn: true) { written.append($0) })
        #expect(written == [DebugBuildWarning.message + "\n"])
        #expect(written[0].hasPrefix("GlobalConv: debug build — convolutions run about 16× slower than with -c release"))
    }

    @Test("of many concurrent first calls exactly one writes")
    func concurrentOnce() async {
        let warning = DebugBuildWarning()
        let wrote = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<32 { group.addTask { warning.emitOnce(shouldWarn: true) { _ in } } }
            var n = 0
            for await w in group where w { n += 1 }
            return n
        }
        #expect(wrote == 1)
    }

    @Test("the test process runs with GLOBALCONV_QUIET_DEBUG=1 (set by the QuietDebugWarning target), so logs stay clean")
    func quietInTests() throws {
        #expect(globalconv_quiet_debug_warning_linked() == 1)
        let value = try #require(getenv(DebugBuildWarning.quietVariable)).pointee
        #expect(String(cString: getenv(DebugBuildWarning.quietVariable)) == "1" && value != 0)
    }
}
