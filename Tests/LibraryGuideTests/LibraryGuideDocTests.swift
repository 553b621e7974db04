import Foundation
import Testing

/// Docs/library.md cannot rot: every ```swift block in it is compiled and run, because each appears
/// verbatim in LibraryGuideExamples.swift (or, the manifest, in Tests/LibraryGuideManifest/Package.swift,
/// which `swift package dump-package` evaluates).
@Suite("Docs/library.md stays compiled")
struct LibraryGuideDocTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func read(_ relative: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(relative), encoding: .utf8)
    }

    /// The contents of every ```swift fenced block of `markdown`, in order.
    static func swiftBlocks(in markdown: String) -> [String] {
        var blocks: [String] = [], current: [Substring]? = nil
        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
            if current == nil {
                if line == "```swift" { current = [] }
            } else if line.hasPrefix("```") {
                blocks.append(current!.joined(separator: "\n") + "\n")
                current = nil
            } else {
                current!.append(line)
            }
        }
        return blocks
    }

    static func isManifest(_ block: String) -> Bool { block.contains("import PackageDescription") }

    @Test("the extractor finds ```swift blocks and nothing else")
    func extractor() {
        let md = "text\n```swift\nlet a = 1\n```\n```sh\nswift build\n```\n```swift\nlet b = 2\n\nlet c = 3\n```\n"
        #expect(Self.swiftBlocks(in: md) == ["let a = 1\n", "let b = 2\n\nlet c = 3\n"])
    }

    @Test("every ```swift block of Docs/library.md appears verbatim in the compiled examples")
    func everyBlockIsCompiled() throws {
        let guide = try Self.read("Docs/library.md")
        let examples = try Self.read("Tests/LibraryGuideTests/LibraryGuideExamples.swift")
        let manifest = try Self.read("Tests/LibraryGuideManifest/Package.swift")
        let blocks = Self.swiftBlocks(in: guide)
        #expect(blocks.count >= 10, "found only \(blocks.count) swift blocks")
        #expect(blocks.filter(Self.isManifest).count == 1)
        for (index, block) in blocks.enumerated() {
            let found = (Self.isManifest(block) ? manifest : examples).contains(block)
            #expect(found, "Docs/library.md swift block \(index + 1) is not verbatim in the \(Self.isManifest(block) ? "manifest" : "examples") file:\n\(block)")
        }
    }

    @Test("the guide's manifest is a valid package manifest naming the GlobalConv product and version 0.4.0")
    func manifestEvaluates() throws {
        let manifest = try Self.read("Tests/LibraryGuideManifest/Package.swift")
        #expect(manifest.contains(#"from: "0.4.0""#) && manifest.contains(#".product(name: "GlobalConv", package: "GlobalConv")"#))
        guard let swift = ["/usr/bin/swift", "/usr/local/bin/swift"].first(where: FileManager.default.isExecutableFile(atPath:))
            ?? ProcessInfo.processInfo.environment["PATH"]?.split(separator: ":").map({ "\($0)/swift" })
                .first(where: FileManager.default.isExecutableFile(atPath:)) else {
            return   // no toolchain on PATH at test time: the verbatim check above still holds
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: swift)
        process.arguments = ["package", "--package-path", Self.root.appendingPathComponent("Tests/LibraryGuideManifest").path,
                             "--scratch-path", FileManager.default.temporaryDirectory.appendingPathComponent("guide-manifest-\(UUID().uuidString)").path,
                             "dump-package"]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errors = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "swift package dump-package failed: \(errors)")
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("\"GlobalConv\"") && text.contains("0.4.0"), "\(text.prefix(400))")
    }
}
