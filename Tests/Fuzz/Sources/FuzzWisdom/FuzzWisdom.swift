import GlobalConv

/// libFuzzer entry point: one input is the text of a candidate wisdom file.
///
/// `FFTWisdom.importText` must accept it or throw `FFTWisdomError`; accepted wisdom must still let a
/// plan be made and executed. The planner's wisdom is forgotten after each input (process-global state).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzWisdom(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = size > 0 && data != nil ? Array(UnsafeBufferPointer(start: data, count: size)) : []
    if (try? FFTWisdom.importText(String(decoding: bytes, as: UTF8.self))) != nil {
        // A convolution on the FFT path plans with whatever was imported.
        if let conv = try? DepthwiseConvolution2D<Float>(weight: Tensor(repeating: 1, shape: [1, 1, 3, 3]), padding: Size2D(1)) {
            _ = try? conv(Tensor(repeating: 1, shape: [1, 1, 5, 6]), path: .fft, options: ExecutionOptions(threads: 1))
        }
    }
    FFTWisdom.forget()
    return 0
}
