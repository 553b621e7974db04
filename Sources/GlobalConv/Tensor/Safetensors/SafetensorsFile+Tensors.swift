/// Reading F32 and F64 tensors out of a validated ``SafetensorsFile``.
extension SafetensorsFile {
    /// Tensor `name` as a `Tensor<S>`, in the file's shape and row-major order.
    ///
    /// `F32` data read as `Float` and `F64` data read as `Double` are bit-exact (NaN payloads,
    /// signed zeros and infinities included). Across precisions each element is converted with
    /// `S(x)`: `Float → Double` is exact, `Double → Float` rounds to nearest even.
    /// - Throws: ``SafetensorsError/Reason/noSuchTensor(name:available:)`` or
    ///   ``SafetensorsError/Reason/unsupportedDtype(tensor:dtype:)`` for any dtype but F32/F64.
    public func tensor<S: TensorScalar>(_ name: String, as _: S.Type = S.self) throws(SafetensorsError) -> Tensor<S> {
        guard let entry = entriesByName[name] else {
            throw SafetensorsError(.noSuchTensor(name: name, available: names), path: path)
        }
        return try tensor(entry, as: S.self)
    }

    /// Every floating-point tensor of the file, by name, converted to `S` as ``tensor(_:as:)`` does:
    /// the checkpoint's weights and buffers as a state_dict.
    ///
    /// Tensors whose dtype is not floating point (``SafetensorsDType/isFloatingPoint``: `I64`, `I32`,
    /// `BOOL`, `U8`, …) are **skipped**, not an error. A real PyTorch checkpoint holds such buffers —
    /// every BatchNorm's `I64` `num_batches_tracked`, which only training's momentum-free averaging reads
    /// and which eval-mode inference, like `load_state_dict` in eval use, ignores. Their names stay in
    /// ``names`` and ``entries``; ask ``tensor(_:as:)`` for one to get the `unsupportedDtype` error.
    /// - Throws: ``SafetensorsError/Reason/unsupportedDtype(tensor:dtype:)`` for a floating-point tensor
    ///   this reader cannot convert (`F16`, `BF16`, the `F8` formats, `C64`): skipping those would drop
    ///   weights silently.
    public func allTensors<S: TensorScalar>(as _: S.Type = S.self) throws(SafetensorsError) -> [String: Tensor<S>] {
        var result: [String: Tensor<S>] = [:]
        for entry in entries where entry.dtype.isFloatingPoint {
            result[entry.name] = try tensor(entry, as: S.self)
        }
        return result
    }

    private func tensor<S: TensorScalar>(_ entry: Entry, as _: S.Type) throws(SafetensorsError) -> Tensor<S> {
        let start = dataStart + entry.dataOffsets.lowerBound
        let n = entry.elementCount
        let scalars: [S]
        switch entry.dtype {
        case .f32:
            scalars = decode(count: n, at: start, width: 4) { raw, offset in
                S(Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self))))
            }
        case .f64:
            scalars = decode(count: n, at: start, width: 8) { raw, offset in
                S(Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))))
            }
        default:
            throw SafetensorsError(.unsupportedDtype(tensor: entry.name, dtype: entry.dtype), path: path)
        }
        // The header validation already guarantees the count; a file's shape still takes the throwing form.
        do { return try Tensor(validatingShape: entry.shape, scalars: scalars) } catch {
            throw SafetensorsError(.elementCountOverflow(tensor: entry.name, shape: entry.shape), path: path)
        }
    }

    /// `count` elements of `width` bytes from file offset `start`; the header validation
    /// guarantees `start + count·width <= bytes.count`, which is re-checked here.
    private func decode<S>(
        count: Int, at start: Int, width: Int,
        _ element: (UnsafeRawBufferPointer, Int) -> S
    ) -> [S] {
        precondition(start >= 0 && count >= 0 && start + count * width <= bytes.count,
                     "SafetensorsFile: validated range out of bounds")
        // An empty array must not come from `unsafeUninitializedCapacity: 0`: that writes the count into
        // the runtime's shared empty-array storage, a (benign) data race the thread sanitizer reports.
        guard count > 0 else { return [] }
        return bytes.withUnsafeBytes { raw in
            [S](unsafeUninitializedCapacity: count) { buffer, initialized in
                for i in 0..<count { buffer[i] = element(raw, start + i * width) }
                initialized = count
            }
        }
    }
}
