internal import CFFTW
#if canImport(Glibc)
import Glibc
#endif

/// The plan file: FFTW's wisdom (both precisions) plus GlobalConv's own measured planning decisions
/// (``PlanningDecisions``: the auto path's choices and the FFT path's transform sizes), saved so that a
/// process which loads it at start — a server — plans its known shapes without measuring anything:
/// its first request is as fast as its thousandth.
///
/// Format: `globalconv-wisdom 2`, then three length-prefixed sections (a line with the byte count,
/// then the bytes): FFTW double wisdom, FFTW single wisdom, planning decisions. Version 1 files (the
/// two FFTW sections only) are still read. Decisions measured on another CPU or library version are
/// ignored with a warning; FFTW's wisdom is loaded regardless (FFTW plans stay correct anywhere).
/// All calls take the FFTW lock where they touch FFTW (thread-safe).
public enum FFTWisdom {
    /// ``FFTWisdomError`` under its former name (it shadowed `Swift.Error` inside `FFTWisdom`).
    @available(*, deprecated, renamed: "FFTWisdomError")
    public typealias Error = FFTWisdomError

    private static let header = "globalconv-wisdom 2"
    private static let headerVersion1 = "globalconv-wisdom 1"

    /// The current wisdom of both precisions and this process's planning decisions as text.
    public static func exportText() -> String {
        FFTWLock.withLock {
            func take(_ p: UnsafeMutablePointer<CChar>?) -> String {
                guard let p else { return "" }
                defer { free(p) }
                return String(cString: p)
            }
            let d = take(fftw_export_wisdom_to_string())
            let f = take(fftwf_export_wisdom_to_string())
            let p = PlanningDecisions.text()
            return "\(header)\n\(d.utf8.count)\n\(d)\(f.utf8.count)\n\(f)\(p.utf8.count)\n\(p)"
        }
    }

    /// Merges text produced by ``exportText()`` into FFTW's planner and GlobalConv's decisions, and
    /// returns warnings (decisions from another CPU or library version, which are not installed).
    /// - Throws: ``FFTWisdomError`` when the text is not GlobalConv wisdom, a decision line is malformed, or FFTW
    ///   rejects its wisdom; nothing is installed then.
    @discardableResult
    public static func importText(_ text: String) throws(FFTWisdomError) -> [String] {
        var rest = Substring(text)
        func line() -> Substring? {
            guard let nl = rest.firstIndex(of: "\n") else { return nil }
            defer { rest = rest[rest.index(after: nl)...] }
            return rest[..<nl]
        }
        func section() throws(FFTWisdomError) -> String {
            guard let lengthLine = line(), let length = Int(lengthLine), length >= 0,
                  rest.utf8.count >= length else { throw FFTWisdomError(description: "wisdom text is truncated or malformed") }
            let end = rest.utf8.index(rest.startIndex, offsetBy: length)
            defer { rest = rest[end...] }
            return String(rest[..<end])
        }
        let first = line()
        guard first == Substring(header) || first == Substring(headerVersion1) else {
            throw FFTWisdomError(description: "not GlobalConv wisdom (expected first line '\(header)')")
        }
        let d = try section(), f = try section()
        // The decisions are checked before FFTW takes anything, so a bad file installs nothing.
        let decisions = first == Substring(header) ? try PlanningDecisions.parse(try section()) : nil
        let ok = FFTWLock.withLock {
            (d.isEmpty || fftw_import_wisdom_from_string(d) != 0) && (f.isEmpty || fftwf_import_wisdom_from_string(f) != 0)
        }
        guard ok else { throw FFTWisdomError(description: "FFTW rejected the wisdom (corrupt, or from another FFTW version)") }
        return decisions?.install() ?? []
    }

    /// Writes the current wisdom and planning decisions to the plan file at `path`.
    public static func export(atPath path: String) throws(FFTWisdomError) {
        let text = exportText()
        guard let file = fopen(path, "w") else { throw FFTWisdomError(description: "cannot write wisdom to '\(path)': \(String(cString: strerror(errno)))") }
        defer { fclose(file) }
        guard fputs(text, file) >= 0 else { throw FFTWisdomError(description: "writing wisdom to '\(path)' failed") }
    }

    /// Reads the plan file at `path` (written by ``export(atPath:)``) into FFTW's planner and
    /// GlobalConv's decisions; returns the warnings of ``importText(_:)``.
    @discardableResult
    public static func `import`(atPath path: String) throws(FFTWisdomError) -> [String] {
        guard let file = fopen(path, "r") else { throw FFTWisdomError(description: "cannot read wisdom from '\(path)': \(String(cString: strerror(errno)))") }
        defer { fclose(file) }
        var bytes = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = fread(&chunk, 1, chunk.count, file)
            if n <= 0 { break }
            bytes += chunk[0..<n]
            if bytes.count > 64 << 20 { throw FFTWisdomError(description: "wisdom file '\(path)' is larger than 64 MiB") }
        }
        do { return try importText(String(decoding: bytes, as: UTF8.self)) } catch {
            throw FFTWisdomError(description: "\(path): \(error.description)")
        }
    }

    /// ``export(atPath:)`` under its former name.
    @available(*, deprecated, renamed: "export(atPath:)")
    public static func export(toFile path: String) throws(FFTWisdomError) {
        try export(atPath: path)
    }

    /// ``import(atPath:)`` under its former name.
    @available(*, deprecated, renamed: "import(atPath:)")
    @discardableResult
    public static func `import`(fromFile path: String) throws(FFTWisdomError) -> [String] {
        try `import`(atPath: path)
    }

    /// Forgets all accumulated wisdom (plans already made are unaffected).
    public static func forget() {
        FFTWLock.withLock { fftw_forget_wisdom(); fftwf_forget_wisdom() }
    }
}

/// A plan file or wisdom text could not be read or written; the message names the file and the reason.
public struct FFTWisdomError: Error, Sendable, CustomStringConvertible {
    public let description: String

    public init(description: String) { self.description = description }
}
