// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "GlobalConv",
    products: [
        .library(name: "GlobalConv", targets: ["GlobalConv"]),
        .library(name: "LargeKernel", targets: ["LargeKernel"]),
        .library(name: "Backbones", targets: ["Backbones"]),
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
        // through function target attributes and chosen at run time.
        .target(name: "CDirectKernel"),
        // Vectorised Float kernels dispatched by CPU like CDirectKernel: activations (GELU's erf, SiLU's exp)
        // and the fused 1×1-convolution GEMM with its prologues and epilogues.
        .target(name: "CVectorMath"),
        // The parallel runtime: one persistent worker pool (pthreads, C11 atomics) that every parallel
        // loop of the engine, the layers and the blocks runs on.
        .target(name: "CThreadPool"),
        // The engine: FFT layer, tensors and safetensors IO, depthwise and circular convolution.
        .target(
            name: "GlobalConv",
            dependencies: [
                "CFFTW",
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
        // Oracles shared by the test targets: naive Float64 references, DFTs, tolerances.
        .target(
            name: "TestSupport",
            dependencies: ["GlobalConv"],
            path: "Tests/TestSupport"
        ),
        // Backbone blocks (VAN, RepLKNet, SLaK, ParC, ConvNeXt, MogaNet, GFNet) from PyTorch state_dicts.
        .target(
            name: "Backbones",
            dependencies: ["GlobalConv", "LargeKernel", "CVectorMath", .product(name: "RealModule", package: "swift-numerics")]
        ),
        .testTarget(
            name: "BackbonesTests",
            dependencies: ["Backbones", "GlobalConv", "LargeKernel", "TestSupport"]
        ),
        .testTarget(
            name: "GlobalConvTests",
            dependencies: ["GlobalConv", "TestSupport"]
        ),
        .testTarget(
            name: "LargeKernelTests",
            dependencies: ["LargeKernel", "TestSupport"]
        ),
        // The `globalconv` tool's logic (sweep timing, verify runner, reports, SVG plots), testable without processes.
        .target(
            name: "GlobalConvTools",
            dependencies: ["GlobalConv", "LargeKernel", "Backbones", "CImageCodecs"]
        ),
        // The `globalconv` command line: argument parsing, validation and printing only.
        .executableTarget(
            name: "globalconv",
            dependencies: ["GlobalConvTools", "GlobalConv", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .testTarget(
            name: "GlobalConvToolsTests",
            dependencies: ["GlobalConvTools", "globalconv", "GlobalConv", "LargeKernel", "Backbones"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
