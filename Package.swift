// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "GlobalConv",
    products: [
        .library(name: "GlobalConv", targets: ["GlobalConv"]),
        .library(name: "LargeKernel", targets: ["LargeKernel"]),
        .library(name: "Backbones", targets: ["Backbones"]),
        // The verification harness (Float64 references, error bounds, fixture runner). A product only
        // because the separate fuzz package (Tests/Fuzz) runs fixtures through it; not part of the
        // library API (Docs/library.md).
        .library(name: "Verification", targets: ["Verification"]),
        .executable(name: "globalconv", targets: ["globalconv"]),
    ],
    dependencies: [
        // `Real` (exp, erf, sqrt, … generic over Float and Double) for the scalar protocol and layers.
        .package(url: "https://github.com/apple/swift-numerics", from: "1.1.1"),
        // Command-line parsing for the `globalconv` tool.
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // FFTW 3 (double and single precision) as a system library: `apt-get install libfftw3-dev`.
        .systemLibrary(
            name: "CFFTW",
            pkgConfig: "fftw3",
            providers: [.apt(["libfftw3-dev"])]
        ),
        // OpenBLAS's CBLAS as a system library (1×1 convolutions / Linear as GEMM): `apt-get install libopenblas-dev`.
        .systemLibrary(
            name: "CBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        // CPU detection (once per process), the instruction-set levels and the target-attribute macros
        // of the C kernels: the one header CDirectKernel and CVectorMath share.
        .target(name: "CCPUFeatures"),
        // libpng and libjpeg(-turbo) as system libraries, for `globalconv run`'s image input only (the
        // library products do not depend on them): `apt-get install libpng-dev libjpeg62-turbo-dev`.
        .systemLibrary(
            name: "CPNG",
            pkgConfig: "libpng",
            providers: [.apt(["libpng-dev"])]
        ),
        .systemLibrary(
            name: "CJPEG",
            pkgConfig: "libjpeg",
            providers: [.apt(["libjpeg62-turbo-dev"])]
        ),
        // PNG and JPEG decoding/encoding in C (libjpeg reports errors through setjmp/longjmp, which
        // Swift cannot host): 8-bit RGB in, 8-bit RGB out. Only GlobalConvTools depends on it.
        .target(name: "CImageCodecs", dependencies: ["CPNG", "CJPEG"]),
        // The direct path's inner loops, compiled per instruction set (AVX-512, AVX2+FMA, portable)
        // through function target attributes and chosen at run time from per-level dispatch tables.
        .target(name: "CDirectKernel", dependencies: ["CCPUFeatures"]),
        // Vectorised Float kernels dispatched by CPU like CDirectKernel: activations (GELU's erf, SiLU's exp)
        // and the fused 1×1-convolution GEMM with its prologues and epilogues; the FFT paths' copies and
        // spectrum products in both precisions.
        .target(name: "CVectorMath", dependencies: ["CCPUFeatures"]),
        // The parallel runtime: one persistent worker pool (pthreads, C11 atomics) that every parallel
        // loop of the engine, the layers and the blocks runs on.
        .target(name: "CThreadPool"),
        // The engine: FFT layer, tensors and safetensors IO, depthwise and circular convolution.
        .target(
            name: "GlobalConv",
            dependencies: [
                "CFFTW",
                "CCPUFeatures",
                "CDirectKernel",
                "CVectorMath",
                "CThreadPool",
                "CBLAS",
                .product(name: "RealModule", package: "swift-numerics"),
            ]
        ),
        // Kernel algebra and the papers' large-kernel decompositions (LKA, RepLKNet, SLaK, UniRepLKNet).
        .target(
            name: "LargeKernel",
            dependencies: ["GlobalConv"]
        ),
        // The verification harness, one home for each of its concepts: the Float64 references (one per
        // operation), the error bounds of Docs/numerics.md, the fixture runner and the Fixtures/ locator.
        // Used by every test target and by GlobalConvTools (`globalconv verify`); a product only for Tests/Fuzz.
        .target(
            name: "Verification",
            dependencies: ["GlobalConv", "Backbones", .product(name: "RealModule", package: "swift-numerics")]
        ),
        // Linked into every test target: sets GLOBALCONV_QUIET_DEBUG=1 at load, so the debug build's
        // one-time slowness warning stays out of test logs (DebugBuildWarning).
        .target(
            name: "QuietDebugWarning",
            path: "Tests/QuietDebugWarning"
        ),
        // Backbone blocks (VAN, RepLKNet, SLaK, ParC, ConvNeXt, MogaNet, GFNet) from PyTorch state_dicts.
        .target(
            name: "Backbones",
            dependencies: ["GlobalConv", "LargeKernel", "CVectorMath", .product(name: "RealModule", package: "swift-numerics")]
        ),
        .testTarget(
            name: "BackbonesTests",
            dependencies: ["Backbones", "GlobalConv", "LargeKernel", "Verification", "QuietDebugWarning"]
        ),
        .testTarget(
            name: "GlobalConvTests",
            dependencies: ["GlobalConv", "Verification", "QuietDebugWarning"]
        ),
        // Docs/library.md's examples, compiled and run against the library products only.
        .testTarget(
            name: "LibraryGuideTests",
            dependencies: ["GlobalConv", "LargeKernel", "Backbones"]
        ),
        .testTarget(
            name: "LargeKernelTests",
            dependencies: ["LargeKernel", "Verification", "QuietDebugWarning"]
        ),
        // The `globalconv` tool's logic (sweep timing, verify runner, reports, SVG plots), testable without processes.
        .target(
            name: "GlobalConvTools",
            dependencies: ["GlobalConv", "LargeKernel", "Backbones", "Verification", "CImageCodecs"]
        ),
        // The `globalconv` command line: argument parsing, validation and printing only.
        .executableTarget(
            name: "globalconv",
            dependencies: ["GlobalConvTools", "GlobalConv", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .testTarget(
            name: "GlobalConvToolsTests",
            dependencies: ["GlobalConvTools", "globalconv", "GlobalConv", "LargeKernel", "Backbones", "Verification", "QuietDebugWarning"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
