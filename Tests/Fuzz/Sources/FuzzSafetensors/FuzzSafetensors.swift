import Backbones
import GlobalConv
import Verification

/// libFuzzer entry point: one input is the bytes of a candidate safetensors file.
///
/// Whatever the bytes, `SafetensorsFile(bytes:)` must either throw a `SafetensorsError` or return a
/// file whose every F32/F64 tensor reads back in both precisions with its declared shape. A file
/// that is a valid fixture (Docs/fixtures.md metadata) is also built into its block through the registry
/// and run on its input on the direct and FFT paths (errors are fine; crashes, leaks, hangs are not).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSafetensors(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = size > 0 && data != nil ? Array(UnsafeBufferPointer(start: data, count: size)) : []
    guard let file = try? SafetensorsFile(bytes: bytes) else { return 0 }
    for entry in file.entries {
        let expectRead = entry.dtype == .f32 || entry.dtype == .f64
        let f = try? file.tensor(entry.name, as: Float.self)
        let d = try? file.tensor(entry.name, as: Double.self)
        // A validated entry must read exactly when its dtype is F32/F64, with its declared shape.
        if expectRead != (f != nil) || expectRead != (d != nil) { fatalError("read disagrees with dtype for \(entry.name)") }
        if let f, f.shape != entry.shape { fatalError("shape \(f.shape) != \(entry.shape)") }
    }
    runFixture(file)
    return 0
}

private func runFixture(_ file: SafetensorsFile) {
    switch file.metadata["dtype"] {
    case "float32": run(try? Fixture<Float>(file: file, source: "fuzz"))
    case "float64": run(try? Fixture<Double>(file: file, source: "fuzz"))
    default: return
    }
}

private func run<S: TensorScalar>(_ fixture: Fixture<S>?) {
    guard let fixture, fixture.input.count <= 1 << 16 else { return }
    guard let block = try? BlockRegistry.make(id: fixture.block, configJSON: fixture.config, stateDict: fixture.stateDict) else { return }
    for path in [ConvolutionPath.direct, .fft] {
        _ = try? fixture.check(block: block, path: path, options: ExecutionOptions(threads: 1))
    }
}
