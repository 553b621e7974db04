// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "MyModel",
    dependencies: [
        .package(url: "https://github.com/<owner>/GlobalConv", from: "0.4.0"),
    ],
    targets: [
        .executableTarget(
            name: "MyModel",
            dependencies: [
                .product(name: "GlobalConv", package: "GlobalConv"),
                // and, if you need them:
                .product(name: "LargeKernel", package: "GlobalConv"),
                .product(name: "Backbones", package: "GlobalConv"),
            ]
        ),
    ]
)
