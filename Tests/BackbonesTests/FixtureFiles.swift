import GlobalConv
import Backbones
import Verification

/// The PyTorch fixtures under `Fixtures/` (Docs/fixtures.md), located by ``FixturesDirectory``.
enum FixtureFiles {
    static let directory: String = FixturesDirectory.path

    /// Every `*.safetensors` file name in the directory, sorted.
    static let all: [String] = FixturesDirectory.safetensorsNames()

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
