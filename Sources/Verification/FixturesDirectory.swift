#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one locator of the repository's `Fixtures/` folder (Docs/fixtures.md) for the tests: found from
/// this source file's path, `<root>/Sources/Verification/FixturesDirectory.swift`, so it holds in a
/// checkout, not in an installed tool (`globalconv verify` takes `--fixtures`).
public enum FixturesDirectory {
    /// The package root (the folder holding Package.swift).
    public static let packageRoot: String = {
        var parts = String(#filePath).split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        parts.removeLast(3)  // Sources/Verification/FixturesDirectory.swift
        return parts.joined(separator: "/")
    }()

    /// `<root>/Fixtures`.
    public static let path: String = packageRoot + "/Fixtures"

    /// `<root>/Fixtures/<name>` (`name` may hold a subfolder, `models/…`).
    public static func file(_ name: String) -> String { path + "/" + name }

    /// Every `*.safetensors` file name directly in `Fixtures/` (or its `subfolder`), sorted; empty when
    /// the folder is missing.
    public static func safetensorsNames(in subfolder: String? = nil) -> [String] {
        guard let dir = opendir(subfolder.map { path + "/" + $0 } ?? path) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
            if name.hasSuffix(".safetensors") { names.append(name) }
        }
        return names.sorted()
    }
}
