import Foundation
import Testing

/// The repository must be self-contained: a clone has no workspace spec folder next to it, so no
/// source, test, document or script may point there. The block semantics live in Docs/blocks.md, the
/// fixture format in Docs/fixtures.md, the peer harness in Fixtures/peer_baseline.py.
@Suite("Self-contained repository")
struct SelfContainedTests {
    /// The package root, found relative to this source file.
    static let root: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }  // Tests/GlobalConvToolsTests/SelfContainedTests.swift
        return url
    }()

    /// References to the workspace outside the repository (split so that this file does not match itself).
    static let forbidden = ["../" + "shared", "shared" + "/bench", "/work/" + "shared", "FIXTURES" + ".md",
                            "BLOCKS" + ".md", "MODELS" + ".md"]

    /// The file kinds scanned under Sources, Tests, Docs and Fixtures.
    static let extensions: Set<String> = ["swift", "md", "py", "c", "h"]

    /// Every scanned file: the four folders' files with those extensions (hidden folders such as build
    /// directories skipped), and README.md.
    static func scannedFiles() -> [URL] {
        var files = [root.appendingPathComponent("README.md")]
        for folder in ["Sources", "Tests", "Docs", "Fixtures"] {
            let dir = root.appendingPathComponent(folder)
            guard let e = FileManager.default.enumerator(at: dir, includingPropertiesForKeys: [.isRegularFileKey],
                                                         options: [.skipsHiddenFiles]) else { continue }
            for case let url as URL in e where extensions.contains(url.pathExtension) { files.append(url) }
        }
        return files.sorted { $0.path < $1.path }
    }

    @Test("no source, test, document or script refers to the workspace's spec folder")
    func noOutsideReferences() throws {
        let files = Self.scannedFiles()
        #expect(files.count > 100, "found only \(files.count) files under \(Self.root.path)")
        var hits: [String] = []
        for file in files {
            let text = try String(contentsOf: file, encoding: .utf8)
            let relative = String(file.path.dropFirst(Self.root.path.count + 1))
            for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                for pattern in Self.forbidden where line.contains(pattern) {
                    hits.append("\(relative):\(number + 1): \(pattern)")
                }
            }
        }
        #expect(hits.isEmpty, "references outside the repository:\n\(hits.joined(separator: "\n"))")
    }

    @Test("the documents and the script that replace the spec folder exist")
    func replacementsExist() {
        for path in ["Docs/blocks.md", "Docs/fixtures.md", "Fixtures/peer_baseline.py"] {
            #expect(FileManager.default.fileExists(atPath: Self.root.appendingPathComponent(path).path), "\(path) is missing")
        }
    }
}
