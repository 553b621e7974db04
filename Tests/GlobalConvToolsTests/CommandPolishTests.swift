import ArgumentParser
import Foundation
import GlobalConv
import GlobalConvTools
import Testing
@testable import globalconv

@Suite("globalconv polish: version, unreadable and unwritable files")
struct CommandPolishTests {
    @Test("globalconv --version prints the library's one version string, which the README states")
    func version() throws {
        #expect(GlobalConvVersion.string.split(separator: ".").count == 3)
        do {
            _ = try GlobalConvCommand.parseAsRoot(["--version"])
            Issue.record("--version was not recognised")
        } catch {
            #expect(GlobalConvCommand.message(for: error) == GlobalConvVersion.string)
        }
        var parts = String(#filePath).split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        parts.removeLast(3)
        let readme = try String(contentsOfFile: (parts + ["README.md"]).joined(separator: "/"), encoding: .utf8)
        #expect(readme.contains("version \(GlobalConvVersion.string)"))
    }

    @Test("sweep --baseline /nonexistent.jsonl says why it cannot read the file, once, on stderr")
    func sweepMissingBaseline() throws {
        let sweep = try #require(try GlobalConvCommand.parseAsRoot([
            "sweep", "--allow-debug", "--baseline", "/nonexistent.jsonl", "--kernels", "3", "--size", "8",
            "--channels", "2", "--repeats", "1", "--warmup", "0", "--threads", "1",
        ]) as? SweepCommand)
        let run = runCapturingStderr(sweep)
        #expect(run.error as? ExitCode == .failure)
        #expect(run.stderr == "globalconv: error: cannot read baseline file '/nonexistent.jsonl': no such file\n")
    }

    @Test("a baseline path that is a directory names the reason")
    func baselineDirectory() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(throws: ToolError.io("cannot read baseline file '\(dir.path)': is a directory")) {
            try BaselineRow.load(path: dir.path)
        }
    }

    @Test("wisdom export to a missing directory is refused while parsing, before anything is planned")
    func wisdomExportUnwritable() {
        do {
            _ = try GlobalConvCommand.parseAsRoot(["wisdom", "export", "/nonexistent/dir/w.txt", "--kernels", "3"])
            Issue.record("an unwritable wisdom file was accepted; planning would run first")
        } catch {
            let message = GlobalConvCommand.message(for: error)
            #expect(message == "cannot write wisdom file '/nonexistent/dir/w.txt': directory '/nonexistent/dir': no such file")
        }
    }

    @Test("sweep --plot into a missing directory is refused before timing")
    func sweepPlotUnwritable() {
        #expect(throws: (any Error).self) {
            try GlobalConvCommand.parseAsRoot(["sweep", "--allow-debug", "--plot", "/nonexistent/dir/chart.svg"])
        }
    }

    @Test("checkWritable accepts a new file in a writable directory and refuses a directory")
    func checkWritable() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileAccess.checkWritable(path: dir.appendingPathComponent("new.txt").path, what: "file")
        #expect(throws: ToolError.io("cannot write file '\(dir.path)': is a directory")) {
            try FileAccess.checkWritable(path: dir.path, what: "file")
        }
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("new.txt").path))
    }
}
