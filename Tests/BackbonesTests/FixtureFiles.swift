import GlobalConv
import Backbones

/// The PyTorch fixtures under `Fixtures/` (Docs/fixtures.md), found relative to this source file.
enum FixtureFiles {
    static let directory: String = {
        var parts = String(#filePath).split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        parts.removeLast(3)  // Tests/BackbonesTests/FixtureFiles.swift
        return (parts + ["Fixtures"]).joined(separator: "/")
    }()

    /// Every `*.safetensors` file name in the directory, sorted.
    static let all: [String] = {
        guard let dir = opendir(directory) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
            if name.hasSuffix(".safetensors") { names.append(name) }
        }
        return names.sorted()
    }()

    /// The block id of a fixture file name `<block id>[-<variant>].<dtype>.safetensors`.
    static func blockID(_ name: String) -> String {
        let stem = String(name.dropLast(".safetensors".count))
        let withoutDtype = stem.split(separator: ".").dropLast().joined(separator: ".")
        return withoutDtype.split(separator: "-").first.map(String.init) ?? withoutDtype
    }

    /// Fixture files whose block is registered.
    static var registered: [String] { all.filter { BlockRegistry.ids.contains(blockID($0)) } }

    static func path(_ name: String) -> String { directory + "/" + name }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
