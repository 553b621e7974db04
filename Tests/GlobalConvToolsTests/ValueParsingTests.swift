import GlobalConv
import GlobalConvTools
import Testing

@Suite("Command-line value parsing")
struct ValueParsingTests {
    @Test("kernel lists and ranges expand to sorted unique sizes", arguments: [
        ("3,5,7", [3, 5, 7]),
        ("7, 3 ,5", [3, 5, 7]),
        ("3...11:2", [3, 5, 7, 9, 11]),
        ("3...63:30", [3, 33, 63]),
        ("5...8", [5, 6, 7, 8]),
        ("3,3...7:2,31", [3, 5, 7, 31]),
        ("51", [51]),
    ])
    func kernels(text: String, expected: [Int]) throws {
        #expect(try ValueParsing.kernels(text) == expected)
    }

    @Test("malformed kernel lists are rejected with the allowed forms", arguments: [
        "", "0", "-3", "3..9", "9...3", "3...9:0", "3...9:x", "a,b", "3,,5", "3...",
    ])
    func badKernels(text: String) {
        #expect {
            try ValueParsing.kernels(text)
        } throws: { error in
            "\(error)".contains("expected kernel sizes like '3,5,7' or a range '3...63:2'")
        }
    }

    @Test("sizes are N or HxW", arguments: [
        ("56", Size2D(56)), ("56x40", Size2D(height: 56, width: 40)), ("7X9", Size2D(height: 7, width: 9)),
        ("12×3", Size2D(height: 12, width: 3)),
    ])
    func sizes(text: String, expected: Size2D) throws {
        #expect(try ValueParsing.size(text) == expected)
    }

    @Test("bad sizes are rejected", arguments: ["0", "56x0", "x4", "4x", "4x4x4", "big", "-1x5"])
    func badSizes(text: String) {
        #expect(throws: ToolError.self) { try ValueParsing.size(text) }
    }

    @Test("path lists keep order and reject unknown or repeated names")
    func pathLists() throws {
        #expect(try ValueParsing.list("fft,direct", of: SweepPath.self, what: "path") == [.fft, .direct])
        #expect {
            try ValueParsing.list("direct,gpu", of: SweepPath.self, what: "path")
        } throws: { "\($0)".contains("allowed are direct, fft, lka, auto") }
        #expect(throws: ToolError.self) { try ValueParsing.list("fft,fft", of: SweepPath.self, what: "path") }
    }
}
