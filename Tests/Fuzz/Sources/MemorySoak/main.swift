import Backbones
import GlobalConv
import Verification
#if canImport(Glibc)
import Glibc
#endif

// Repeated runs must not grow memory. Runs a workload mix — depthwise convolutions on every path in
// both precisions (new weights every iteration, so kernel-spectrum caches are created and dropped),
// the global filter, fixture blocks, safetensors parsing, and a stream of never-seen shapes for the
// auto planner — `warmup` times, reads VmRSS/VmHWM from /proc/self/status, runs it `iterations` more
// times and reads them again. Exits 1 if the resident set grew by more than `limitMiB`.
//   MemorySoak <fixtures dir> [iterations=1000] [warmup=100] [limitMiB=32] [mixed|fixed]

func status(_ field: String) -> Int {
    guard let f = fopen("/proc/self/status", "r") else { return -1 }
    defer { fclose(f) }
    var line = [CChar](repeating: 0, count: 512)
    while fgets(&line, Int32(line.count), f) != nil {
        let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        if text.hasPrefix(field + ":") {
            return Int(text.dropFirst(field.count + 1).split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).first ?? "") ?? -1  // kB
        }
    }
    return -1
}

let args = CommandLine.arguments
guard args.count >= 2 else { print("usage: MemorySoak <fixtures dir> [iterations] [warmup] [limitMiB]"); exit(2) }
let dir = args[1]
let iterations = args.count > 2 ? Int(args[2]) ?? 1000 : 1000
let warmup = args.count > 3 ? Int(args[3]) ?? 100 : 100
let limitMiB = args.count > 4 ? Int(args[4]) ?? 32 : 32
// "fixed": the same shapes every iteration (a server's steady state); default "mixed" adds a
// never-seen input size per iteration, which fills the bounded planner and plan caches.
let fixedShapes = args.count > 5 && args[5] == "fixed"

let fixtureNames = ["convnext.block.float32.safetensors", "gfnet.block.float64.safetensors",
                    "van.block.float32.safetensors", "parc.op.float64.safetensors"]
var fixtureBytes: [[UInt8]] = []
for name in fixtureNames {
    guard let f = fopen(dir + "/" + name, "rb") else { print("cannot open \(dir)/\(name)"); exit(2) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true { let n = fread(&chunk, 1, chunk.count, f); if n <= 0 { break }; bytes += chunk[0..<n] }
    fclose(f)
    fixtureBytes.append(bytes)
}

func runFixture<S: TensorScalar>(_ file: SafetensorsFile, _: S.Type, path: ConvolutionPath) throws {
    let fixture = try Fixture<S>(file: file, source: "soak")
    let block = try BlockRegistry.make(id: fixture.block, configJSON: fixture.config, stateDict: fixture.stateDict)
    _ = try block.forward(fixture.input, path: path, options: ExecutionOptions(threads: 2))
}

var sink = 0.0
@MainActor
func iteration(_ i: Int) throws {
    let path = ConvolutionPath.allCases[i % 3]
    let opts = ExecutionOptions(threads: 1 + i % 2)
    // Fresh weights each time: each value owns a spectrum cache that must be freed with it.
    let conv = try DepthwiseConvolution2D<Float>(weight: .random(shape: [8, 1, 13, 13], seed: UInt64(i)),
                                                 bias: .random(shape: [8], seed: 1), padding: Size2D(6))
    sink += Double(try conv(.random(shape: [2, 8, 40, 36], seed: 2), path: path, options: opts).scalars[0])
    let circ = try DepthwiseConvolution2D<Double>(weight: .random(shape: [4, 1, 7, 9], seed: 3), padding: Size2D(3),
                                                  paddingMode: .circular)
    sink += try circ(.random(shape: [1, 4, 24, 30], seed: 4), path: path, options: opts).scalars[1]
    // A never-seen input size for the planner every iteration (its decision cache is bounded).
    let fresh = Tensor<Float>.random(shape: fixedShapes ? [1, 8, 20, 20] : [1, 8, 16 + i % 97, 16 + i / 97 % 97], seed: 5)
    sink += Double(try conv(fresh, path: .auto, options: opts).scalars[0])
    let filter = try GlobalFilter2D<Float>(complexWeight: .random(shape: [14, 8, 8, 2], seed: 6), height: 14, width: 14)
    sink += Double(try filter(.random(shape: [1, 8, 14, 14], seed: 7), path: path, options: opts).scalars[2])
    let bytes = fixtureBytes[i % fixtureBytes.count]
    let file = try SafetensorsFile(bytes: bytes)
    if file.metadata["dtype"] == "float32" { try runFixture(file, Float.self, path: path) }
    else { try runFixture(file, Double.self, path: path) }
    _ = try? SafetensorsFile(bytes: Array(bytes.prefix(bytes.count / 2)))  // a truncated file: an error
}

do {
    for i in 0..<warmup { try iteration(i) }
    let (rss0, hwm0) = (status("VmRSS"), status("VmHWM"))
    let clock = ContinuousClock()
    let start = clock.now
    for i in warmup..<(warmup + iterations) { try iteration(i) }
    let elapsed = clock.now - start
    let (rss1, hwm1) = (status("VmRSS"), status("VmHWM"))
    let growth = Double(rss1 - rss0) / 1024
    print("soak: \(iterations) iterations (\(fixedShapes ? "fixed" : "mixed") shapes) after \(warmup) warm-up in \(elapsed)")
    print("soak: VmRSS \(rss0) kB -> \(rss1) kB (growth \(growth) MiB); VmHWM \(hwm0) kB -> \(hwm1) kB (checksum \(sink.isFinite))")
    if growth > Double(limitMiB) { print("soak: FAIL: resident set grew by more than \(limitMiB) MiB"); exit(1) }
    print("soak: ok (limit \(limitMiB) MiB)")
} catch {
    print("soak: unexpected error \(error)")
    exit(1)
}
