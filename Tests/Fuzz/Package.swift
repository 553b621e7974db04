// swift-tools-version: 6.1
// libFuzzer harnesses for GlobalConv's file and config parsers. A separate package so that the root
// package's `swift build` / `swift test` never need the fuzzer runtime. Built and run by `.ci/fuzz`:
//   swift build -c release --package-path Tests/Fuzz -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library
import PackageDescription

let package = Package(
    name: "GlobalConvFuzz",
    dependencies: [
        .package(name: "GlobalConv", path: "../.."),
    ],
    targets: [
        // Bytes → SafetensorsFile(bytes:) → every tensor read; and, for a fixture, block build + forward.
        .executableTarget(
            name: "FuzzSafetensors",
            dependencies: [
                .product(name: "GlobalConv", package: "GlobalConv"),
                .product(name: "Backbones", package: "GlobalConv"),
                .product(name: "Verification", package: "GlobalConv"),
            ]
        ),
        // "<block id>\n<config JSON>" → BlockRegistry.make, with an empty and with the fixture's state_dict.
        .executableTarget(
            name: "FuzzBlockConfig",
            dependencies: [
                .product(name: "GlobalConv", package: "GlobalConv"),
                .product(name: "Backbones", package: "GlobalConv"),
                .product(name: "Verification", package: "GlobalConv"),
            ]
        ),
        // Text → FFTWisdom.importText (the CLI's `wisdom import` and saved wisdom files).
        .executableTarget(
            name: "FuzzWisdom",
            dependencies: [.product(name: "GlobalConv", package: "GlobalConv")]
        ),
        // Not a fuzzer: peak/resident memory over 1,000 iterations of convolutions, blocks and file
        // parsing (`.ci/soak`; built without the fuzzer flags, `--product MemorySoak`).
        .executableTarget(
            name: "MemorySoak",
            dependencies: [
                .product(name: "GlobalConv", package: "GlobalConv"),
                .product(name: "Backbones", package: "GlobalConv"),
                .product(name: "Verification", package: "GlobalConv"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
