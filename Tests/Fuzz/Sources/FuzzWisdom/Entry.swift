/// The process entry point. SwiftPM links an executable target with `main` defined as
/// `<Target>_main` (so tests can link executables), and `-parse-as-library` makes the compiler emit
/// no entry point, so we define that symbol ourselves and hand control to libFuzzer's driver (the
/// `main` of libFuzzer's runtime is then not linked).
@_silgen_name("LLVMFuzzerRunDriver")
private func runDriver(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

@_cdecl("FuzzWisdom_main")
public func FuzzWisdomMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc
    var argv = argv
    return runDriver(&argc, &argv, { data, size in fuzzWisdom(data, size) })
}
