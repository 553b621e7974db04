import Foundation
import GlobalConv
import Verification
@testable import GlobalConvTools
import Testing

/// A file that cannot be read is named as the user typed it with the system's reason, once, and never
/// with Foundation's internals (`Error Domain=NSCocoaErrorDomain Code=260 … NSFilePath=…`).
@Suite("Missing and unreadable files")
struct MissingFileTests {
    @Test("SafetensorsFile(atPath:) on a missing relative path says 'missing.safetensors: no such file'")
    func safetensorsMissing() {
        #expect(throws: SafetensorsError(.noSuchFile, path: "missing.safetensors")) {
            try SafetensorsFile(atPath: "missing.safetensors")
        }
        do {
            _ = try SafetensorsFile(atPath: "no/such/dir/missing.safetensors")
        } catch {
            #expect(error.description == "no/such/dir/missing.safetensors: no such file")
        }
    }

    @Test("a directory given as a file says 'cannot read: is a directory'")
    func safetensorsDirectory() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(throws: SafetensorsError(.cannotRead("is a directory"), path: dir.path)) {
            try SafetensorsFile(atPath: dir.path)
        }
    }

    @Test("verify --fixture missing.safetensors reports it once, with the path as typed")
    func verifyMissingFixture() throws {
        let report = try VerifyRunner.run(VerifyOptions(fixtureFiles: ["missing.safetensors"], includeMatrix: false, threads: 1))
        #expect(report.results.count == 1)
        let result = try #require(report.results.first)
        #expect(!result.passed && result.path == "all")
        #expect(result.error == "cannot read fixture: missing.safetensors: no such file")
        let table = report.table()
        #expect(table.components(separatedBy: "no such file").count == 2, "\(table)")
        #expect(!table.contains("NSCocoaErrorDomain") && !table.contains("Error Domain"))
        #expect(report.exitStatus == 1)
    }

    @Test("decompose --fit missing says 'missing: no such file'")
    func decomposeMissing() {
        #expect(throws: ToolError.io("missing: no such file")) {
            try LKAFitReport.run(file: "missing", key: "w")
        }
    }
}
