/// Parsing and validating the prefix and header of a safetensors file (see ``SafetensorsFile``
/// for the rules). Every check runs before any tensor byte is touched; each failure throws a
/// ``SafetensorsError`` (without a path; the initialiser adds it).
extension SafetensorsFile {
    /// What a valid header describes.
    struct Layout {
        var metadata: [String: String]
        var entries: [String: Entry]
        /// File offset of the first data byte: `8 + N`.
        var dataStart: Int
    }

    static func parse(_ bytes: [UInt8]) throws(SafetensorsError) -> Layout {
        guard bytes.count >= 8 else { throw SafetensorsError(.fileTooShort(byteCount: bytes.count)) }
        var headerLength: UInt64 = 0
        for k in 0..<8 { headerLength |= UInt64(bytes[k]) << (8 * UInt64(k)) }
        // Compare in UInt64 before converting: `8 + N` would overflow for N near 2⁶⁴.
        let afterPrefix = bytes.count - 8
        guard headerLength <= UInt64(afterPrefix) else {
            throw SafetensorsError(.headerLengthExceedsFile(headerLength: headerLength, bytesAfterPrefix: afterPrefix))
        }
        let dataStart = 8 + Int(headerLength)
        let header = bytes[8..<dataStart]
        let dataLength = bytes.count - dataStart

        if let offset = HeaderJSON.firstInvalidUTF8Offset(in: header) {
            throw SafetensorsError(.headerNotUTF8(byteOffset: offset))
        }
        var parser = HeaderJSONParser(header, depthLimit: maximumHeaderNestingDepth)
        let root: HeaderJSON
        do {
            root = try parser.parseDocument()
        } catch {
            switch error {
            case .syntax(let offset, let problem): throw SafetensorsError(.invalidJSON(byteOffset: offset, problem: problem))
            case .tooDeep(let offset, let limit): throw SafetensorsError(.nestingTooDeep(byteOffset: offset, limit: limit))
            }
        }
        guard case .object(let members) = root else { throw SafetensorsError(.headerNotObject(found: root.summary)) }

        var metadata: [String: String] = [:]
        var entries: [String: Entry] = [:]
        var seen = Set<String>()
        for member in members {
            guard seen.insert(member.key).inserted else {
                throw SafetensorsError(.duplicateKey(key: member.key, object: "the header"))
            }
            if member.key == "__metadata__" {
                metadata = try parseMetadata(member.value)
            } else {
                entries[member.key] = try parseEntry(named: member.key, member.value, dataLength: dataLength)
            }
        }
        try checkCoverage(of: entries.values, dataLength: dataLength)
        return Layout(metadata: metadata, entries: entries, dataStart: dataStart)
    }

    /// `__metadata__` must be an object whose values are all strings.
    private static func parseMetadata(_ value: HeaderJSON) throws(SafetensorsError) -> [String: String] {
        guard case .object(let members) = value else {
            throw SafetensorsError(.invalidMetadata(key: nil, found: value.summary))
        }
        var metadata: [String: String] = [:]
        for member in members {
            guard case .string(let text) = member.value else {
                throw SafetensorsError(.invalidMetadata(key: member.key, found: member.value.summary))
            }
            guard metadata.updateValue(text, forKey: member.key) == nil else {
                throw SafetensorsError(.duplicateKey(key: member.key, object: "__metadata__"))
            }
        }
        return metadata
    }

    /// One tensor's `{"dtype", "shape", "data_offsets"}`, checked against itself and the data length.
    private static func parseEntry(named name: String, _ value: HeaderJSON, dataLength: Int) throws(SafetensorsError) -> Entry {
        guard case .object(let members) = value else {
            throw SafetensorsError(.entryNotObject(tensor: name, found: value.summary))
        }
        var fields: [String: HeaderJSON] = [:]
        for member in members where fields.updateValue(member.value, forKey: member.key) != nil {
            throw SafetensorsError(.duplicateKey(key: member.key, object: "tensor '\(name)'"))
        }
        func field(_ key: String) throws(SafetensorsError) -> HeaderJSON {
            guard let v = fields[key] else { throw SafetensorsError(.missingField(tensor: name, field: key)) }
            return v
        }

        let dtypeValue = try field("dtype")
        guard case .string(let dtypeText) = dtypeValue else {
            throw SafetensorsError(.wrongFieldType(tensor: name, field: "dtype", expected: "a string", found: dtypeValue.summary))
        }
        guard let dtype = SafetensorsDType(rawValue: dtypeText) else {
            throw SafetensorsError(.unknownDtype(tensor: name, dtype: dtypeText))
        }

        let shapeValue = try field("shape")
        guard case .array(let extents) = shapeValue else {
            throw SafetensorsError(.wrongFieldType(tensor: name, field: "shape", expected: "an array of integers", found: shapeValue.summary))
        }
        var shape: [Int] = []
        shape.reserveCapacity(extents.count)
        for (i, extent) in extents.enumerated() {
            guard let n = extent.nonNegativeInt else {
                throw SafetensorsError(.invalidShapeExtent(tensor: name, index: i, value: extent.literal))
            }
            shape.append(n)
        }

        let offsetsValue = try field("data_offsets")
        guard case .array(let offsets) = offsetsValue, offsets.count == 2 else {
            throw SafetensorsError(.wrongFieldType(tensor: name, field: "data_offsets", expected: "an array of 2 integers", found: offsetsValue.summary))
        }
        var bounds: [Int] = []
        for (i, offset) in offsets.enumerated() {
            guard let n = offset.nonNegativeInt else {
                throw SafetensorsError(.invalidOffset(tensor: name, index: i, value: offset.literal))
            }
            bounds.append(n)
        }
        let (begin, end) = (bounds[0], bounds[1])

        var count = 1
        for extent in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: extent)
            guard !overflow else { throw SafetensorsError(.elementCountOverflow(tensor: name, shape: shape)) }
            count = product
        }
        let (byteCount, overflow) = count.multipliedReportingOverflow(by: dtype.byteWidth)
        guard !overflow else { throw SafetensorsError(.byteCountOverflow(tensor: name, elementCount: count, dtype: dtype)) }
        guard begin <= end else { throw SafetensorsError(.offsetsReversed(tensor: name, begin: begin, end: end)) }
        guard end <= dataLength else { throw SafetensorsError(.offsetsBeyondData(tensor: name, end: end, dataLength: dataLength)) }
        guard end - begin == byteCount else {
            throw SafetensorsError(.byteLengthMismatch(tensor: name, dtype: dtype, shape: shape, expected: byteCount, actual: end - begin))
        }
        return Entry(name: name, dtype: dtype, shape: shape, dataOffsets: begin..<end, elementCount: count)
    }

    /// The ranges, ordered by `(begin, end, name)`, must tile `0..<dataLength` exactly. A
    /// zero-size range strictly inside another counts as an overlap, as in the reference.
    private static func checkCoverage(of entries: some Collection<Entry>, dataLength: Int) throws(SafetensorsError) {
        let ordered = entries.sorted {
            ($0.dataOffsets.lowerBound, $0.dataOffsets.upperBound) < ($1.dataOffsets.lowerBound, $1.dataOffsets.upperBound)
                || ($0.dataOffsets == $1.dataOffsets && precedes($0.name, $1.name))
        }
        var cursor = 0
        var previous: Entry?
        for entry in ordered {
            let range = entry.dataOffsets
            if range.lowerBound < cursor, let previous {
                throw SafetensorsError(.overlappingTensors(
                    first: previous.name, firstRange: previous.dataOffsets, second: entry.name, secondRange: range))
            }
            if range.lowerBound > cursor { throw SafetensorsError(.uncoveredBytes(cursor..<range.lowerBound)) }
            cursor = range.upperBound
            previous = entry
        }
        if cursor < dataLength { throw SafetensorsError(.uncoveredBytes(cursor..<dataLength)) }
    }
}
