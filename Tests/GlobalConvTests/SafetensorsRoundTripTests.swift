import Foundation
import Testing
import GlobalConv

extension SafetensorsTests {
    @Suite("writing and reading back")
    struct RoundTrip {
        static let shapes: [[Int]] = [[], [0], [3], [2, 0, 3], [2, 3], [2, 1, 3, 3], [1, 2, 4, 5]]

        static func roundTrip<S: TensorScalar>(_: S.Type) throws {
            var writer = SafetensorsWriter(metadata: ["dtype": "\(S.precision)"])
            var originals: [String: Tensor<S>] = [:]
            for (k, shape) in shapes.enumerated() {
                let t = Tensor<S>.random(shape: shape, in: -3...3, seed: UInt64(k))
                originals["t\(k)"] = t
                writer.add(t, named: "t\(k)")
            }
            let file = try SafetensorsFile(bytes: writer.serialized())
            #expect(file.metadata == ["dtype": "\(S.precision)"])
            #expect(file.names == (0..<shapes.count).map { "t\($0)" })
            for (name, original) in originals {
                let entry = try #require(file.entry(name))
                #expect(entry.dtype == SafetensorsDType(S.precision))
                #expect(entry.shape == original.shape && entry.elementCount == original.count)
                let back = try file.tensor(name, as: S.self)
                #expect(back.shape == original.shape)
                #expect(back.scalars == original.scalars)
            }
            let all = try file.allTensors(as: S.self)
            #expect(all == originals)
        }

        @Test("tensors of rank 0 to 4, zero-size included, round-trip exactly", arguments: Precision.allCases)
        func ranks(precision: Precision) throws {
            switch precision {
            case .float32: try Self.roundTrip(Float.self)
            case .float64: try Self.roundTrip(Double.self)
            }
        }

        @Test("NaN payloads, signed zeros, infinities and subnormals keep their bits")
        func specialValues() throws {
            let floats: [Float] = [-0.0, .infinity, -.infinity, Float(bitPattern: 0x7FC0_1234), Float(bitPattern: 0xFF80_0001),
                                   .leastNonzeroMagnitude, .greatestFiniteMagnitude]
            let doubles: [Double] = [-0.0, .infinity, Double(bitPattern: 0x7FF8_0000_DEAD_BEEF), .leastNonzeroMagnitude, -.ulpOfOne]
            var writer = SafetensorsWriter()
            writer.add(Tensor(shape: [floats.count], scalars: floats), named: "f")
            writer.add(Tensor(shape: [doubles.count], scalars: doubles), named: "d")
            let file = try SafetensorsFile(bytes: writer.serialized())
            #expect(try file.tensor("f", as: Float.self).scalars.map(\.bitPattern) == floats.map(\.bitPattern))
            #expect(try file.tensor("d", as: Double.self).scalars.map(\.bitPattern) == doubles.map(\.bitPattern))
        }

        @Test("F64 data read as Float rounds to nearest even; F32 data read as Double is exact")
        func conversion() throws {
            // Expected values from IEEE 754 binary32 rounding, worked out by hand.
            let doubles: [Double] = [
                1 + 0x1p-30,            // below half an ulp of 1 (2⁻²⁴): rounds down to 1
                1 + 0x1p-23 + 0x1p-24,  // a tie between 1 + 2⁻²³ (odd) and 1 + 2⁻²² (even): to even
                1e40,                   // beyond Float's range: +∞
                0x1p-160,               // below half the least subnormal (2⁻¹⁵⁰): +0
                -0x1p-149,              // the least subnormal, exact
            ]
            let expected: [Float] = [1, 1 + 0x1p-22, .infinity, 0, -0x1p-149]
            let floats: [Float] = [0.1, -3.5, .leastNormalMagnitude]
            var writer = SafetensorsWriter()
            writer.add(Tensor(shape: [doubles.count], scalars: doubles), named: "d")
            writer.add(Tensor(shape: [floats.count], scalars: floats), named: "f")
            let file = try SafetensorsFile(bytes: writer.serialized())
            #expect(try file.tensor("d", as: Float.self).scalars.map(\.bitPattern) == expected.map(\.bitPattern))
            #expect(try file.tensor("f", as: Double.self).scalars == [0.100000001490116119384765625, -3.5, 0x1p-126])
        }

        @Test("names and metadata with quotes, control characters and non-ASCII survive")
        func strings() throws {
            let metadata = ["quote\"back\\slash": "line\nfeed\ttab\u{01}\u{1F}", "ünï": "🎉 café", "": "empty key", "config": #"{"a": [1, 2]}"#]
            let names = ["a\"b", "ü", "🎉", "ctl\u{07}", "stage.0/blocks.1:weight", ""]
            var writer = SafetensorsWriter(metadata: metadata)
            for (k, name) in names.enumerated() { writer.add(Tensor<Float>(repeating: Float(k), shape: [k]), named: name) }
            let file = try SafetensorsFile(bytes: writer.serialized())
            #expect(file.metadata == metadata)
            #expect(Set(file.names) == Set(names))
            for (k, name) in names.enumerated() {
                #expect(try file.tensor(name, as: Float.self) == Tensor(repeating: Float(k), shape: [k]))
            }
        }

        @Test("the header is compact JSON padded with spaces to 8 bytes, tensors sorted and contiguous")
        func layout() throws {
            var writer = SafetensorsWriter(metadata: ["z": "1", "a": "2"])
            writer.add(Tensor<Double>(zeros: [3]), named: "m")
            writer.add(Tensor<Float>(zeros: [1]), named: "b")
            writer.add(Tensor<Float>(zeros: [2, 0]), named: "e")
            writer.add(Tensor<Float>(zeros: [5]), named: "Z")
            let bytes = writer.serialized()
            let n = bytes.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
            #expect(n % 8 == 0)
            let header = Array(bytes[8..<(8 + n)])
            let text = try #require(String(bytes: header, encoding: .utf8))
            let json = text.trimmingCharacters(in: .whitespaces)
            #expect(text.hasPrefix(json) && header.dropFirst(json.utf8.count).allSatisfy { $0 == 0x20 })
            #expect(header.count - json.utf8.count < 8)
            #expect(json == #"{"__metadata__":{"a":"2","z":"1"},"Z":{"dtype":"F32","shape":[5],"data_offsets":[0,20]},"#
                + #""b":{"dtype":"F32","shape":[1],"data_offsets":[20,24]},"e":{"dtype":"F32","shape":[2,0],"data_offsets":[24,24]},"#
                + #""m":{"dtype":"F64","shape":[3],"data_offsets":[24,48]}}"#)
            #expect(bytes.count == 8 + n + 48)
            // An independent JSON parser agrees on the structure.
            let parsed = try #require(try JSONSerialization.jsonObject(with: Data(header)) as? [String: Any])
            #expect(Set(parsed.keys) == ["__metadata__", "Z", "b", "e", "m"])
        }

        @Test("an empty writer makes a valid file with no tensors and no __metadata__")
        func empty() throws {
            let bytes = SafetensorsWriter().serialized()
            #expect(bytes == SafetensorsTestBytes.littleEndian(8) + Array("{}      ".utf8))
            let file = try SafetensorsFile(bytes: bytes)
            #expect(file.names.isEmpty && file.metadata.isEmpty)
            #expect(try file.allTensors(as: Float.self).isEmpty)
        }

        /// A fresh directory under the system's temporary directory (the caller removes it).
        static func temporaryDirectory() throws -> URL {
            let directory = FileManager.default.temporaryDirectory
                .appendingPathComponent("globalconv-safetensors-\(UInt64.random(in: 0...UInt64.max))")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            return directory
        }

        @Test("files round-trip through the file system and IO errors name the path")
        func files() throws {
            let directory = try Self.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            let path = directory.appendingPathComponent("t.safetensors").path

            var writer = SafetensorsWriter(metadata: ["k": "v"])
            let t = Tensor<Double>.random(shape: [2, 3, 4], in: -1...1, seed: 9)
            writer.add(t, named: "x")
            try writer.write(atPath: path)
            let file = try SafetensorsFile(atPath: path)
            #expect(file.path == path)
            #expect(try file.tensor("x", as: Double.self) == t)
            #expect(file.metadata == ["k": "v"])

            let missing = directory.appendingPathComponent("missing.safetensors").path
            let readError = try #require(throws: SafetensorsError.self) { try SafetensorsFile(atPath: missing) }
            #expect(readError.reason == .noSuchFile)
            #expect(readError.path == missing && readError.description == missing + ": no such file")

            let unwritable = directory.appendingPathComponent("no/such/dir/t.safetensors").path
            let writeError = try #require(throws: SafetensorsError.self) { try writer.write(atPath: unwritable) }
            guard case .cannotWrite = writeError.reason else { Issue.record("expected cannotWrite, got \(writeError)"); return }
            #expect(writeError.path == unwritable)

            // A bad file's error carries its path, and so do lookups in a file read from disk.
            let bad = directory.appendingPathComponent("bad.safetensors").path
            try Data([1, 2, 3]).write(to: URL(fileURLWithPath: bad))
            #expect(throws: SafetensorsError(.fileTooShort(byteCount: 3), path: bad)) { try SafetensorsFile(atPath: bad) }
            #expect(throws: SafetensorsError(.noSuchTensor(name: "y", available: ["x"]), path: path)) {
                try file.tensor("y", as: Float.self)
            }
        }

        @Test("a write replaces the file whole and leaves nothing else behind; a failed write leaves the directory as it was")
        func writeReplacesAtomically() throws {
            let directory = try Self.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            let path = directory.appendingPathComponent("w.safetensors").path
            let first = Tensor<Float>.random(shape: [5, 3], in: -1...1, seed: 1)
            let second = Tensor<Float>.random(shape: [2], in: -1...1, seed: 2)
            var writer = SafetensorsWriter()
            writer.add(first, named: "t")
            try writer.write(atPath: path)
            var replacement = SafetensorsWriter()
            replacement.add(second, named: "t")
            try replacement.write(atPath: path)
            #expect(try SafetensorsFile(atPath: path).tensor("t", as: Float.self) == second)
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["w.safetensors"])

            // The target is a directory: the rename fails, and the partial file beside it is removed.
            let folder = directory.appendingPathComponent("folder")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false)
            let error = try #require(throws: SafetensorsError.self) { try writer.write(atPath: folder.path) }
            guard case .cannotWrite = error.reason else { Issue.record("expected cannotWrite, got \(error)"); return }
            #expect(error.path == folder.path)
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == ["folder", "w.safetensors"])
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
        }

        @Test("a file opened by path is read tensor by tensor: chunked reads are exact, and a file that shrinks after opening is an error, not a crash")
        func readsOnDemand() throws {
            let directory = try Self.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            let path = directory.appendingPathComponent("big.safetensors").path
            // 300 000 floats: more than one read buffer (1 MiB), with a partial last one; then a small tensor.
            let big = Tensor<Float>.random(shape: [3, 100_000], in: -1...1, seed: 5)
            let small = Tensor<Float>.random(shape: [7], in: -1...1, seed: 6)
            var writer = SafetensorsWriter()
            writer.add(big, named: "a.big")
            writer.add(small, named: "b.small")
            try writer.write(atPath: path)
            let file = try SafetensorsFile(atPath: path)
            #expect(try file.tensor("a.big", as: Float.self) == big)
            #expect(try file.tensor("b.small", as: Double.self) == Tensor(shape: [7], scalars: small.scalars.map(Double.init)))
            #expect(try file.allTensors(as: Float.self) == ["a.big": big, "b.small": small])
            #expect(try SafetensorsFile(bytes: writer.serialized()).allTensors(as: Float.self) == file.allTensors(as: Float.self))

            // Shrink the file behind the open value: the header was valid, the data is gone.
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            try handle.truncate(atOffset: 1000)
            try handle.close()
            let error = try #require(throws: SafetensorsError.self) { try file.tensor("b.small", as: Float.self) }
            guard case .cannotRead(let why) = error.reason else { Issue.record("expected cannotRead, got \(error)"); return }
            #expect(why.contains("changed after it was opened") && error.path == path, "\(error)")
        }
    }
}
