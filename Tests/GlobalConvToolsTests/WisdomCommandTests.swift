import ArgumentParser
import Foundation
import GlobalConv
import Testing
@testable import globalconv

@Suite("wisdom export and import")
struct WisdomCommandTests {
    @Test("export writes wisdom that import accepts; a corrupt file is refused with exit status 1")
    func roundTrip() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("wisdom.txt").path
        let export = try #require(try GlobalConvCommand.parseAsRoot([
            "wisdom", "export", file, "--kernels", "3", "--size", "8", "--channels", "2", "--threads", "1", "--effort", "estimate",
        ]) as? WisdomCommand.Export)
        try export.run()
        let text = try String(contentsOfFile: file, encoding: .utf8)
        #expect(text.hasPrefix("globalconv-wisdom 2\n"))
        let load = try #require(try GlobalConvCommand.parseAsRoot(["wisdom", "import", file]) as? WisdomCommand.Import)
        try load.run()

        let junk = dir.appendingPathComponent("junk.txt").path
        try "not wisdom".write(toFile: junk, atomically: true, encoding: .utf8)
        let bad = try #require(try GlobalConvCommand.parseAsRoot(["wisdom", "import", junk]) as? WisdomCommand.Import)
        let badRun = runCapturingStderr(bad)
        #expect(badRun.error as? ExitCode == .failure)
        #expect(badRun.stderr.hasPrefix("globalconv: error: ") && badRun.stderr.contains("not GlobalConv wisdom"))
        let none = dir.appendingPathComponent("none").path
        let missing = try #require(try GlobalConvCommand.parseAsRoot(["wisdom", "import", none]) as? WisdomCommand.Import)
        let missingRun = runCapturingStderr(missing)
        #expect(missingRun.error as? ExitCode == .failure)
        #expect(missingRun.stderr.contains(none))
    }
}
