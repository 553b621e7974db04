import Testing
@testable import GlobalConv

/// The C targets' kernel lists (the X-macro lists of Sources/CDirectKernel/direct_kernels.h and
/// Sources/CVectorMath/vector_math_kernels.h) against the variants the other tests run: every kernel the
/// CPU runs must be reached by a tested variant, so no compiled kernel goes untested.
@Suite("Compiled C kernels")
struct CompiledKernelTests {
    @Test("the kernel lists name distinct functions, each for one level and element size")
    func listsAreWellFormed() {
        let all = CompiledKernel.direct + CompiledKernel.vectorMath
        #expect(Set(all.map(\.name)).count == all.count)
        for k in all {
            #expect(k.name.hasPrefix("gc_f32_") || k.name.hasPrefix("gc_f64_"), "\(k.name)")
            #expect(k.name.hasPrefix(k.elementSize == 4 ? "gc_f32_" : "gc_f64_"), "\(k.name)")
            #expect(k.name.hasSuffix(["_portable", "_avx2", "_avx512"][k.level]), "\(k.name)")
        }
        // Portable versions exist on every CPU.
        #expect(CompiledKernel.direct.contains { $0.name == "gc_f32_dw_portable" })
        #expect(CompiledKernel.vectorMath.contains { $0.name == "gc_f32_pw_portable" })
    }

    @Test("every direct kernel this CPU runs is the choice of some tested variant and plane")
    func directKernelsReached() {
        var reached = Set<String>()
        for variant in DirectKernel2D.Variant.supported {
            for elementSize in [4, 8] {
                for kw in 1...17 {
                    for dw in [1, 2] {
                        let k = DirectKernel2D(kernel: Size2D(height: 3, width: kw), dilation: Size2D(height: 1, width: dw),
                                               output: Size2D(height: 9, width: 37))
                        let stride = (elementSize == 4 ? k.preferredSourceStride(Float.self, variant: variant)
                                                       : k.preferredSourceStride(Double.self, variant: variant))
                            ?? k.output.width + dw * (kw - 1)
                        reached.insert(k.kernelName(variant: variant, elementSize: elementSize, sourceStride: stride))
                    }
                }
            }
            // Dilated kernels with a row-reuse kernel of their own (VAN's 7×7 with dilation 3, MogaNet's 5×5 with 2).
            for (kernel, dilation) in [(7, 3), (5, 2)] {
                let k = DirectKernel2D(kernel: Size2D(kernel), dilation: Size2D(dilation), output: Size2D(height: 9, width: 37))
                for elementSize in [4, 8] {
                    let stride = (elementSize == 4 ? k.preferredSourceStride(Float.self, variant: variant)
                                                   : k.preferredSourceStride(Double.self, variant: variant))
                        ?? k.output.width + dilation * (kernel - 1)
                    reached.insert(k.kernelName(variant: variant, elementSize: elementSize, sourceStride: stride))
                }
            }
            // A kernel much wider than the data (a 14×14 map under a 27×27 kernel, padding 13).
            for elementSize in [4, 8] {
                let k = DirectKernel2D(kernel: Size2D(27), dilation: Size2D(1), output: Size2D(14))
                reached.insert(k.kernelName(variant: variant, elementSize: elementSize, sourceStride: 48,
                                            data: (rows: 13..<27, columns: 13..<27)))
            }
            if DirectKernel2D.lineKernelRuns(variant: variant) {
                reached.formUnion(["gc_f32_line_avx512", "gc_f32_line_rows_avx512"])
            }
        }
        let listed = Set(CompiledKernel.direct.filter(\.runsOnThisCPU).map(\.name))
        #expect(reached == listed, "listed but not reached: \(listed.subtracting(reached).sorted()); reached but not listed: \(reached.subtracting(listed).sorted())")
    }

    @Test("every pointwise kernel this CPU runs is a tested variant's")
    func pointwiseKernelsReached() {
        let reached = Set(PointwiseKernel.Variant.supported.map(\.kernelName))
        let listed = Set(CompiledKernel.vectorMath.filter { $0.runsOnThisCPU && $0.name.hasPrefix("gc_f32_pw_") }.map(\.name))
        #expect(reached == listed)
        #expect(PointwiseKernel.Variant.best.kernelName == "gc_f32_pw_" + ["portable", "avx2", "avx512"][CompiledKernel.cpuLevel])
    }
}
