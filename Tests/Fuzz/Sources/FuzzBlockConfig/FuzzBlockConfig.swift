import Backbones
import GlobalConv
import Verification
#if canImport(Glibc)
import Glibc
#endif

/// libFuzzer entry point: one input is `"<block id>\n<config JSON>"` (UTF-8, possibly invalid).
///
/// The registry must build the block or throw a `BackboneError` for every input: with an empty
/// state_dict (every tensor missing: the loader must not allocate an absurd placeholder) and, when
/// `GLOBALCONV_FUZZ_FIXTURES` names a directory of fixtures, with the state_dict of that block's
/// first Float64 fixture — a block that builds is then run on the fixture's input on both paths.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzBlockConfig(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = size > 0 && data != nil ? Array(UnsafeBufferPointer(start: data, count: size)) : []
    let text = String(decoding: bytes, as: UTF8.self)
    let (id, json): (String, String)
    if let newline = text.firstIndex(of: "\n") {
        (id, json) = (String(text[..<newline]), String(text[text.index(after: newline)...]))
    } else {
        (id, json) = (text, "")
    }
    _ = try? BlockRegistry.make(id: id, configJSON: json, stateDict: [String: Tensor<Double>]())
    _ = try? BlockRegistry.make(id: id, configJSON: json, stateDict: [String: Tensor<Float>]())
    if let fixture = Fixtures.shared.byBlock[id],
       let block = try? BlockRegistry.make(id: id, configJSON: json, stateDict: fixture.stateDict) {
        for path in [ConvolutionPath.direct, .fft] {
            _ = try? block.forward(fixture.input, path: path, options: harnessOptions)
        }
    }
    return 0
}

/// The first Float64 fixture of each block id in `$GLOBALCONV_FUZZ_FIXTURES` (read once).
/// One thread, and a memory budget (the engine's refusal of a call needing more, before it allocates)
/// well below libFuzzer's 2 GiB RSS limit (`.ci/fuzz`): under the default 4 GiB a hostile geometry the
/// budget rightly allows (a circular padding of 753333 rows: a 2.1 GB output) ends the run as an
/// out-of-memory (CI, 2026-12-06). `FuzzRegressionTests` runs its inputs with the same options.
private let harnessOptions = ExecutionOptions(threads: 1, memoryBudget: MemoryBudget(bytes: 512 << 20))

private final class Fixtures: Sendable {
    static let shared = Fixtures()
    let byBlock: [String: Fixture<Double>]

    private init() {
        var found: [String: Fixture<Double>] = [:]
        if let dir = getenv("GLOBALCONV_FUZZ_FIXTURES").map({ String(cString: $0) }), let handle = opendir(dir) {
            var names: [String] = []
            while let entry = readdir(handle) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
                if name.hasSuffix(".float64.safetensors") { names.append(name) }
            }
            closedir(handle)
            for name in names.sorted() {
                guard let file = try? SafetensorsFile(atPath: dir + "/" + name),
                      let fixture = try? Fixture<Double>(file: file, source: name),
                      found[fixture.block] == nil else { continue }
                found[fixture.block] = fixture
            }
        }
        byBlock = found
    }
}
