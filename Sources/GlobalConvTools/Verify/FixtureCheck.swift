import GlobalConv

/// Checks one PyTorch fixture file (`Fixtures/*.safetensors`, format in `shared/FIXTURES.md`) on one
/// path through the Backbones registry. This build does not include the Backbones library yet, so
/// every fixture reports that as its (failed) result.
enum FixtureCheck {
    static func run(file: String, path: ConvolutionPath, toleranceScale: Double, threads: Int) -> VerifyResult {
        .failure(caseName: VerifyRunner.caseName(forFixture: file), path: path.rawValue,
                 message: "not available yet: checking fixtures needs the Backbones library, which is not part of this build")
    }
}
