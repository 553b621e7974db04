import Testing
import GlobalConv
import LargeKernel
import Verification

@Suite("Kernel algebra")
struct KernelAlgebraTests {
    @Test("densifying inserts r−1 zeros between taps and computes what the dilated conv computes",
          arguments: bothPaths)
    func densify(path: ConvolutionPath) throws {
        let k = try DepthwiseKernel<Double>(weight: Fixture.weight(channels: 2, 3, 4, seed: 1),
                                            bias: .random(shape: [2], seed: 2), dilation: Size2D(height: 3, width: 2))
        let dense = k.densified()
        #expect(dense.size == Size2D(height: 7, width: 7) && dense.isDense && dense.extent == k.extent)
        for c in 0..<2 {
            for u in 0..<7 {
                for v in 0..<7 {
                    let value = dense.weight[c, 0, u, v]
                    if u % 3 == 0 && v % 2 == 0 {
                        #expect(value == k.weight[c, 0, u / 3, v / 2])
                    } else {
                        #expect(value == 0)
                    }
                }
            }
        }
        let x = Tensor<Double>.random(shape: [1, 2, 9, 8], seed: 3)
        let oracle = oracleSum(x, [OracleBranch(weight: k.weight, bias: k.bias, dilation: k.dilation, padding: k.centrePadding)])
        let bound = errorBound(Double.self, path: path, terms: 49, magnitude: oracle.magnitude, transformSize: 15 * 14, convs: 1)
        #expect(worstRatio(try dense.forward(x, path: path), oracle.output, bound: bound).ratio <= 1)
        #expect(k.dilated(by: Size2D(2)).dilation == Size2D(height: 6, width: 4))
    }

    @Test("centre padding keeps the output unchanged and refuses a target of another parity", arguments: bothPaths)
    func centrePadding(path: ConvolutionPath) throws {
        let k = try DepthwiseKernel<Double>(weight: Fixture.weight(channels: 2, 3, 5, seed: 4), bias: .random(shape: [2], seed: 5))
        let padded = try k.centrePadded(to: Size2D(height: 9, width: 7))
        #expect(padded.size == Size2D(height: 9, width: 7))
        #expect(padded.weight[1, 0, 3, 1] == k.weight[1, 0, 0, 0] && padded.weight[1, 0, 5, 5] == k.weight[1, 0, 2, 4])
        #expect(padded.weight[0, 0, 0, 0] == 0 && padded.weight[0, 0, 8, 6] == 0 && padded.weight[0, 0, 4, 0] == 0)
        let x = Tensor<Double>.random(shape: [1, 2, 6, 5], seed: 6)
        let oracle = oracleSum(x, [OracleBranch(weight: k.weight, bias: k.bias, padding: k.centrePadding)])
        let bound = errorBound(Double.self, path: path, terms: 63, magnitude: oracle.magnitude, transformSize: 14 * 11, convs: 1)
        #expect(worstRatio(try padded.forward(x, path: path), oracle.output, bound: bound).ratio <= 1)
        #expect(throws: LargeKernelError.self) { try k.centrePadded(to: Size2D(height: 8, width: 7)) }
        #expect(throws: LargeKernelError.self) { try k.centrePadded(to: Size2D(height: 1, width: 7)) }
    }

    @Test("the flipped kernel correlates as the original convolves")
    func flip() throws {
        let k = try DepthwiseKernel<Double>(weight: Fixture.weight(channels: 2, 5, 3, seed: 7), bias: .random(shape: [2], seed: 8))
        let f = k.flipped()
        #expect(f.flipped() == k)
        let x = Tensor<Double>.random(shape: [1, 2, 7, 6], seed: 9)
        let y = try f.forward(x, path: .direct)
        // Convolution with the original about its centre (2, 1): y[i,j] = b + Σ w[u,v]·x[i − (u − 2), j − (v − 1)].
        for c in 0..<2 {
            for i in 0..<7 {
                for j in 0..<6 {
                    var acc = k.bias.scalars[c], mag = abs(acc)
                    for u in 0..<5 {
                        for v in 0..<3 {
                            let (yy, xx) = (i - (u - 2), j - (v - 1))
                            guard yy >= 0, yy < 7, xx >= 0, xx < 6 else { continue }
                            acc += k.weight[c, 0, u, v] * x[0, c, yy, xx]
                            mag += abs(k.weight[c, 0, u, v] * x[0, c, yy, xx])
                        }
                    }
                    #expect(abs(y[0, c, i, j] - acc) <= 2 * Tolerance.direct(Double.self, terms: 15, magnitude: mag))
                }
            }
        }
    }

    @Test("support is the bounding box of the non-zero taps in dense coordinates")
    func support() throws {
        var w = Tensor<Double>(zeros: [2, 1, 5, 6])
        w[0, 0, 1, 4] = 1
        w[1, 0, 3, 2] = -2
        let k = try DepthwiseKernel(weight: w)
        #expect(k.support == KernelSupport(rows: 1..<4, columns: 2..<5))
        #expect(k.dilated(by: Size2D(height: 2, width: 3)).support == KernelSupport(rows: 2..<7, columns: 6..<13))
        #expect(try DepthwiseKernel(weight: Tensor<Double>(zeros: [1, 1, 3, 3])).support == nil)
        #expect(k.dilated(by: Size2D(height: 2, width: 3)).extent == Size2D(height: 9, width: 16))
    }

    @Test("a parallel merge of dense and dilated branches equals the sum of the branches on both paths",
          arguments: bothPaths)
    func parallelMerge(path: ConvolutionPath) throws {
        let specs: [(Int, Int, Size2D)] = [(9, 7, Size2D(1)), (3, 3, Size2D(height: 4, width: 2)), (1, 1, Size2D(1)), (5, 3, Size2D(height: 1, width: 3))]
        var kernels: [DepthwiseKernel<Double>] = []
        for (i, s) in specs.enumerated() {
            kernels.append(try DepthwiseKernel(weight: Fixture.weight(channels: 3, s.0, s.1, seed: 20 + UInt64(i)),
                                               bias: .random(shape: [3], seed: 30 + UInt64(i)), dilation: s.2))
        }
        let merged = try DepthwiseKernel.parallelMerge(kernels)
        #expect(merged.size == Size2D(height: 9, width: 7) && merged.isDense)
        for shape in [[1, 3, 10, 12], [2, 3, 3, 2]] {
            let x = Tensor<Double>.random(shape: shape, seed: 40)
            let oracle = oracleSum(x, kernels.map { OracleBranch(weight: $0.weight, bias: $0.bias, dilation: $0.dilation, padding: $0.centrePadding) })
            let bound = errorBound(Double.self, path: path, terms: 63 + 4, magnitude: oracle.magnitude,
                                   transformSize: (shape[2] + 8) * (shape[3] + 6), convs: 1)
            let r = worstRatio(try merged.forward(x, path: path), oracle.output, bound: bound)
            #expect(r.ratio <= 1 && r.relative <= 1e-12, "merged vs Σ branches: \(r) on \(shape)")
        }
    }

    @Test("branches whose extents differ in parity are not merged: their outputs differ in size")
    func parity() throws {
        let a = try DepthwiseKernel<Double>(weight: Fixture.weight(channels: 1, 7, 7, seed: 1))
        let b = try DepthwiseKernel<Double>(weight: Fixture.weight(channels: 1, 4, 4, seed: 2))
        #expect(throws: LargeKernelError.self) { try DepthwiseKernel.parallelMerge([a, b]) }
        let x = Tensor<Double>.random(shape: [1, 1, 8, 8], seed: 3)
        #expect(try a.forward(x).shape != b.forward(x).shape)
        let c = try DepthwiseKernel<Double>(weight: Fixture.weight(channels: 2, 3, 3, seed: 2))
        #expect(throws: LargeKernelError.self) { try DepthwiseKernel.parallelMerge([a, c]) }
        #expect(throws: LargeKernelError.self) { try DepthwiseKernel<Double>.parallelMerge([]) }
    }
}
