/// Transform sizes FFTW is fast at (package API: the verification tool pads to the same sizes).
package enum FFTSize {
    /// Whether `n ≥ 1` has no prime factor above 7 (FFTW's hard-coded codelets cover 2, 3, 5, 7).
    package static func isFast(_ n: Int) -> Bool {
        guard n >= 1 else { return false }
        var m = n
        for p in [2, 3, 5, 7] { while m % p == 0 { m /= p } }
        return m == 1
    }

    /// The smallest `L ≥ n` whose prime factors are all ≤ 7.
    package static func nextFast(_ n: Int) -> Int {
        var l = max(n, 1)
        while !isFast(l) { l += 1 }
        return l
    }

    /// The fast sizes from `n` up to `limit`, in increasing order (candidates for measured choice).
    package static func fastSizes(from n: Int, through limit: Int) -> [Int] {
        (max(n, 1)...max(limit, n)).filter(isFast)
    }
}
