import Foundation

/// Number formatting shared by the reports: fixed decimals, significant digits, thousands separators.
enum NumberFormatting {
    /// `x` with `digits` decimals (`%.{digits}f`).
    static func fixed(_ x: Double, _ digits: Int) -> String {
        guard x.isFinite else { return x.isNaN ? "nan" : (x > 0 ? "inf" : "-inf") }
        return String(format: "%.\(digits)f", x)
    }

    /// A duration in milliseconds with about four significant digits (`0.0123`, `1.234`, `123.4`).
    static func milliseconds(_ x: Double) -> String {
        guard x.isFinite, x > 0 else { return fixed(x, 3) }
        let digits = max(0, min(6, 3 - Int(floor(log10(x)))))
        return fixed(x, digits)
    }

    /// Scientific notation with three significant digits (`1.23e-07`).
    static func scientific(_ x: Double) -> String {
        guard x.isFinite else { return fixed(x, 0) }
        return String(format: "%.2e", x)
    }

    /// An integer with `,` every three digits.
    static func grouped(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return n < 0 ? "-" + out : out
    }

    /// `x` rounded to `digits` decimals, for JSON output.
    static func rounded(_ x: Double, _ digits: Int) -> Double {
        guard x.isFinite else { return x }
        let scale = pow(10, Double(digits))
        return (x * scale).rounded() / scale
    }
}
