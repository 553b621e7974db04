import Testing
import GlobalConv

/// Files written by the Python `safetensors` 0.8.0 library (`safetensors.torch.save_file`,
/// torch 2.15), pasted as base64, so the reader and writer are checked against an independent
/// implementation. Generator (run once, output pasted below):
///
/// ```python
/// t = {"input": ((torch.arange(12, dtype=torch.float32) - 5) * 0.375).reshape(1, 2, 2, 3),
///      "weight": (torch.arange(18, dtype=torch.float64) / 7).reshape(2, 1, 3, 3),
///      "scalar": torch.tensor(2.5, dtype=torch.float64),
///      "empty": torch.zeros(0, 4, dtype=torch.float32),
///      "special": torch.tensor([-0.0, inf, -inf, 3.4028234663852886e38, 1.401298464324817e-45], dtype=torch.float32),
///      "num_batches_tracked": torch.tensor(7, dtype=torch.int64),
///      "half": torch.tensor([1.0, -2.0], dtype=torch.float16)}
/// meta = {"globalconv.fixture": "1", "block": "conv2d.depthwise",
///         "config": json.dumps({"channels": 2}), "note": "ünï \"quoted\"\n"}
/// save_file(t, "py.safetensors", metadata=meta)
/// # and, for the writer comparison, for dtype in (torch.float32, torch.float64):
/// save_file({"b": torch.tensor([[0.5, -1.0, 2.0], [3.25, 0.0, -0.125]], dtype=dtype),
///            "a": torch.tensor([1.5, -2.0], dtype=dtype)}, path, metadata={"k": "v"})
/// ```
extension SafetensorsTests {
    @Suite("files written by Python")
    struct PythonFiles {
        static let mixed = SafetensorsTestBytes.base64([
            "QAIAAAAAAAB7Il9fbWV0YWRhdGFfXyI6eyJnbG9iYWxjb252LmZpeHR1cmUiOiIxIiwibm90ZSI6IsO8bsOvIFwicXVvdGVkXCJc",
            "biIsImJsb2NrIjoiY29udjJkLmRlcHRod2lzZSIsImNvbmZpZyI6IntcImNoYW5uZWxzXCI6IDJ9In0sIm51bV9iYXRjaGVzX3Ry",
            "YWNrZWQiOnsiZHR5cGUiOiJJNjQiLCJzaGFwZSI6W10sImRhdGFfb2Zmc2V0cyI6WzAsOF19LCJzY2FsYXIiOnsiZHR5cGUiOiJG",
            "NjQiLCJzaGFwZSI6W10sImRhdGFfb2Zmc2V0cyI6WzgsMTZdfSwid2VpZ2h0Ijp7ImR0eXBlIjoiRjY0Iiwic2hhcGUiOlsyLDEs",
            "MywzXSwiZGF0YV9vZmZzZXRzIjpbMTYsMTYwXX0sImVtcHR5Ijp7ImR0eXBlIjoiRjMyIiwic2hhcGUiOlswLDRdLCJkYXRhX29m",
            "ZnNldHMiOlsxNjAsMTYwXX0sImlucHV0Ijp7ImR0eXBlIjoiRjMyIiwic2hhcGUiOlsxLDIsMiwzXSwiZGF0YV9vZmZzZXRzIjpb",
            "MTYwLDIwOF19LCJzcGVjaWFsIjp7ImR0eXBlIjoiRjMyIiwic2hhcGUiOls1XSwiZGF0YV9vZmZzZXRzIjpbMjA4LDIyOF19LCJo",
            "YWxmIjp7ImR0eXBlIjoiRjE2Iiwic2hhcGUiOlsyXSwiZGF0YV9vZmZzZXRzIjpbMjI4LDIzMl19fSAHAAAAAAAAAAAAAAAAAARA",
            "AAAAAAAAAACSJEmSJEnCP5IkSZIkSdI/27Zt27Zt2z+SJEmSJEniP7dt27Zt2+Y/27Zt27Zt6z8AAAAAAADwP5IkSZIkSfI/JUmS",
            "JEmS9D+3bdu2bdv2P0mSJEmSJPk/27Zt27Zt+z9u27Zt27b9PwAAAAAAAABASZIkSZIkAUCSJEmSJEkCQNu2bdu2bQNAAADwvwAA",
            "wL8AAJC/AABAvwAAwL4AAAAAAADAPgAAQD8AAJA/AADAPwAA8D8AABBAAAAAgAAAgH8AAID///9/fwEAAAAAPADA",
        ])

        static let twoF32 = SafetensorsTestBytes.base64([
            "iAAAAAAAAAB7Il9fbWV0YWRhdGFfXyI6eyJrIjoidiJ9LCJhIjp7ImR0eXBlIjoiRjMyIiwic2hhcGUiOlsyXSwiZGF0YV9vZmZz",
            "ZXRzIjpbMCw4XX0sImIiOnsiZHR5cGUiOiJGMzIiLCJzaGFwZSI6WzIsM10sImRhdGFfb2Zmc2V0cyI6WzgsMzJdfX0gAADAPwAA",
            "AMAAAAA/AACAvwAAAEAAAFBAAAAAAAAAAL4=",
        ])

        static let twoF64 = SafetensorsTestBytes.base64([
            "kAAAAAAAAAB7Il9fbWV0YWRhdGFfXyI6eyJrIjoidiJ9LCJhIjp7ImR0eXBlIjoiRjY0Iiwic2hhcGUiOlsyXSwiZGF0YV9vZmZz",
            "ZXRzIjpbMCwxNl19LCJiIjp7ImR0eXBlIjoiRjY0Iiwic2hhcGUiOlsyLDNdLCJkYXRhX29mZnNldHMiOlsxNiw2NF19fSAgICAg",
            "ICAAAAAAAAD4PwAAAAAAAADAAAAAAAAA4D8AAAAAAADwvwAAAAAAAABAAAAAAAAACkAAAAAAAAAAAAAAAAAAAMC/",
        ])

        @Test("a file written by Python has its metadata, names and entries")
        func pythonHeader() throws {
            let file = try SafetensorsFile(bytes: Self.mixed)
            #expect(file.metadata == [
                "globalconv.fixture": "1", "block": "conv2d.depthwise",
                "config": #"{"channels": 2}"#, "note": "ünï \"quoted\"\n",
            ])
            #expect(file.names == ["empty", "half", "input", "num_batches_tracked", "scalar", "special", "weight"])
            let weight = try #require(file.entry("weight"))
            #expect(weight.name == "weight" && weight.dtype == .f64 && weight.shape == [2, 1, 3, 3])
            #expect(weight.dataOffsets == 16..<160 && weight.elementCount == 18)
            #expect(file.entry("empty")?.shape == [0, 4])
            #expect(file.entry("empty")?.elementCount == 0)
            #expect(file.entry("scalar")?.shape == [])
            #expect(file.entry("num_batches_tracked")?.dtype == .i64)
            #expect(file.entry("half")?.dtype == .f16)
            #expect(file.entry("missing") == nil)
        }

        @Test("F32 and F64 tensors written by Python read back with the values Python stored")
        func pythonValues() throws {
            let file = try SafetensorsFile(bytes: Self.mixed)
            let input = try file.tensor("input", as: Float.self)
            #expect(input.shape == [1, 2, 2, 3])
            #expect(input.scalars == (0..<12).map { (Float($0) - 5) * 0.375 })
            let weight = try file.tensor("weight", as: Double.self)
            #expect(weight.shape == [2, 1, 3, 3])
            #expect(weight.scalars == (0..<18).map { Double($0) / 7 })
            let scalar = try file.tensor("scalar", as: Double.self)
            #expect(scalar.shape == [] && scalar.scalars == [2.5])
            let empty = try file.tensor("empty", as: Float.self)
            #expect(empty.shape == [0, 4] && empty.scalars.isEmpty)
            let special = try file.tensor("special", as: Float.self)
            let expected: [Float] = [-0.0, .infinity, -.infinity, .greatestFiniteMagnitude, .leastNonzeroMagnitude]
            #expect(special.scalars.map(\.bitPattern) == expected.map(\.bitPattern))
        }

        @Test("Python's F32 tensor read as Double is exact, its F64 tensor read as Float is rounded")
        func pythonConversion() throws {
            let file = try SafetensorsFile(bytes: Self.mixed)
            let input = try file.tensor("input", as: Double.self)
            #expect(input.scalars == (0..<12).map { (Double($0) - 5) * 0.375 })
            let weight = try file.tensor("weight", as: Float.self)
            // Float(Double(k) / 7) is the correctly rounded single of the stored double.
            #expect(weight.scalars == (0..<18).map { Float(Double($0) / 7) })
        }

        @Test("an I64 or F16 tensor written by Python is reported by name and dtype")
        func pythonUnsupported() throws {
            let file = try SafetensorsFile(bytes: Self.mixed)
            #expect(throws: SafetensorsError(.unsupportedDtype(tensor: "num_batches_tracked", dtype: .i64))) {
                try file.tensor("num_batches_tracked", as: Float.self)
            }
            #expect(throws: SafetensorsError(.unsupportedDtype(tensor: "half", dtype: .f16))) {
                try file.tensor("half", as: Double.self)
            }
            #expect(throws: SafetensorsError(.unsupportedDtype(tensor: "half", dtype: .f16))) {
                try file.allTensors(as: Float.self)
            }
            let readable = file.entries.filter { $0.dtype.precision != nil }.map(\.name)
            #expect(readable == ["empty", "input", "scalar", "special", "weight"])
            for name in readable { _ = try file.tensor(name, as: Double.self) }
        }

        @Test("the writer reproduces Python's file byte for byte", arguments: Precision.allCases)
        func writerMatchesPython(precision: Precision) {
            let b: [Double] = [0.5, -1.0, 2.0, 3.25, 0.0, -0.125]
            let a: [Double] = [1.5, -2.0]
            var writer = SafetensorsWriter(metadata: ["k": "v"])
            switch precision {
            case .float32:
                writer.add(Tensor(shape: [2, 3], scalars: b.map(Float.init)), named: "b")
                writer.add(Tensor(shape: [2], scalars: a.map(Float.init)), named: "a")
            case .float64:
                writer.add(Tensor(shape: [2, 3], scalars: b), named: "b")
                writer.add(Tensor(shape: [2], scalars: a), named: "a")
            }
            #expect(writer.serialized() == (precision == .float32 ? Self.twoF32 : Self.twoF64))
        }

        @Test("every strict prefix of a Python file is rejected without a crash")
        func truncations() {
            for length in 0..<Self.mixed.count {
                #expect(SafetensorsTestBytes.rejection(Array(Self.mixed.prefix(length))) != nil, "prefix of \(length) bytes")
            }
        }

        @Test("random byte corruptions of a Python file never crash the reader")
        func corruptions() {
            var generator = SeededGenerator(seed: 2024)
            var accepted = 0
            for _ in 0..<3000 {
                var bytes = Self.mixed
                for _ in 0..<Int.random(in: 1...4, using: &generator) {
                    let i = Int.random(in: 0..<bytes.count, using: &generator)
                    bytes[i] = UInt8.random(in: 0...255, using: &generator)
                }
                guard let file = try? SafetensorsFile(bytes: bytes) else { continue }
                accepted += 1
                for entry in file.entries where entry.dtype.precision != nil {
                    let t = try? file.tensor(entry.name, as: Double.self)
                    #expect(t?.count == entry.elementCount)
                }
            }
            // Flips inside tensor data keep the file valid; flips in the header mostly do not.
            #expect(accepted > 0 && accepted < 3000)
        }
    }
}
