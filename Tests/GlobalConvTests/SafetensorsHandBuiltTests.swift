import Testing
import GlobalConv

extension SafetensorsTests {
    /// Valid files built byte by byte in the test, checking the reader against the format
    /// itself rather than against our writer.
    @Suite("hand-built files")
    struct HandBuilt {
        @Test("F32 and F64 bytes decode little-endian")
        func littleEndian() throws {
            // 1.0f = 3F800000, -2.5f = C0200000, 1.0 = 3FF0000000000000, written least significant byte first.
            let data: [UInt8] = [0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x20, 0xC0, 0, 0, 0, 0, 0, 0, 0xF0, 0x3F]
            let header = #"{"f":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"d":{"dtype":"F64","shape":[],"data_offsets":[8,16]}}"#
            let file = try SafetensorsFile(bytes: SafetensorsTestBytes.file(header: header, data: data))
            #expect(try file.tensor("f", as: Float.self).scalars == [1, -2.5])
            #expect(try file.tensor("d", as: Double.self) == Tensor(shape: [], scalars: [1]))
            #expect(file.names == ["d", "f"])
        }

        @Test("JSON whitespace, escapes, surrogate pairs and unknown fields are accepted")
        func lenientJSON() throws {
            let header = " \n{ \"\\u00fc\\ud83c\\udf89\\n\\/\" : { \"x\" : [true, false, null, -1.5e+3, {}], \"data_offsets\" : [ 0 , 4 ] ,"
                + "\t\"shape\" : [ ] , \"dtype\" : \"F32\" } ,\r\n \"__metadata__\" : { \"k\" : \"\\\"v\\\\\" } }   "
            let file = try SafetensorsFile(bytes: SafetensorsTestBytes.file(header: header, data: SafetensorsTestBytes.f32([7])))
            #expect(file.names == ["ü🎉\n/"])
            #expect(file.metadata == ["k": "\"v\\"])
            #expect(try file.tensor("ü🎉\n/", as: Double.self).scalars == [7])
        }

        @Test("zero-size tensors may share an offset with a neighbour and sit at the end")
        func zeroSize() throws {
            let header = #"{"a":{"dtype":"F32","shape":[0],"data_offsets":[0,0]},"b":{"dtype":"F64","shape":[1],"data_offsets":[0,8]},"#
                + #""c":{"dtype":"F32","shape":[3,0,4611686018427387904],"data_offsets":[8,8]},"d":{"dtype":"BF16","shape":[0],"data_offsets":[8,8]}}"#
            let file = try SafetensorsFile(bytes: SafetensorsTestBytes.file(header: header, data: SafetensorsTestBytes.f64([-4])))
            #expect(try file.tensor("a", as: Float.self).shape == [0])
            #expect(try file.tensor("b", as: Float.self).scalars == [-4])
            #expect(try file.tensor("c", as: Double.self).shape == [3, 0, 1 << 62])
            #expect(file.entry("d")?.dtype == .bf16)
        }

        @Test("tensors may be stored in any order of offsets")
        func offsetOrder() throws {
            let header = #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[8,12]},"b":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}}"#
            let data = SafetensorsTestBytes.littleEndian(5) + SafetensorsTestBytes.f32([0.25])
            let file = try SafetensorsFile(bytes: SafetensorsTestBytes.file(header: header, data: data))
            #expect(try file.tensor("a", as: Float.self).scalars == [0.25])
            #expect(file.entry("b")?.dataOffsets == 0..<8)
        }
    }
}
