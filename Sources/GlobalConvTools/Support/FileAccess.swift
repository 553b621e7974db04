#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reading and checking files for the tools, with the system's reason in every error and the path as
/// the user typed it (never Foundation's `Error Domain=…` internals).
package enum FileAccess {
    /// The text of the file at `path` (UTF-8, invalid bytes replaced); `what` names it in the error.
    /// - Throws: ``ToolError/io(_:)``: `cannot read baseline file '/x.jsonl': no such file` (or
    ///   `permission denied`, `is a directory`, …).
    package static func readText(path: String, what: String) throws(ToolError) -> String {
        String(decoding: try readBytes(path: path, what: what), as: UTF8.self)
    }

    /// The bytes of the file at `path`; `what` names it in the error (as ``readText(path:what:)``).
    package static func readBytes(path: String, what: String) throws(ToolError) -> [UInt8] {
        guard let file = fopen(path, "r") else { throw .io("cannot read \(what) '\(path)': \(reason(errno))") }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
            bytes += chunk[0..<n]
            if n < chunk.count {
                if ferror(file) != 0 { throw .io("cannot read \(what) '\(path)': \(reason(errno))") }
                break
            }
        }
        return bytes
    }

    /// The first `count` bytes of the file at `path` (fewer if it is shorter).
    package static func readPrefix(path: String, count: Int, what: String) throws(ToolError) -> [UInt8] {
        guard let file = fopen(path, "r") else { throw .io("cannot read \(what) '\(path)': \(reason(errno))") }
        defer { fclose(file) }
        var chunk = [UInt8](repeating: 0, count: count)
        let n = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
        if n < count, ferror(file) != 0 { throw .io("cannot read \(what) '\(path)': \(reason(errno))") }
        return Array(chunk[0..<n])
    }

    /// Writes `bytes` to `path`, replacing it; `what` names it in the error.
    package static func writeBytes(_ bytes: [UInt8], path: String, what: String) throws(ToolError) {
        guard let file = fopen(path, "w") else { throw .io("cannot write \(what) '\(path)': \(reason(errno))") }
        let written = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
        let closed = fclose(file)
        guard written == bytes.count, closed == 0 else { throw .io("cannot write \(what) '\(path)': \(reason(errno))") }
    }

    /// Checks, without creating anything, that `path` can be written: its directory exists and is
    /// writable, and `path` itself, if it exists, is a writable file. Run it before expensive work
    /// (planning, timing) whose result goes to `path`.
    /// - Throws: ``ToolError/io(_:)`` such as `cannot write wisdom file '/nonexistent/dir/w.txt':
    ///   directory '/nonexistent/dir': no such file`.
    package static func checkWritable(path: String, what: String) throws(ToolError) {
        guard !path.isEmpty else { throw .io("cannot write \(what): empty path") }
        var info = stat()
        if stat(path, &info) == 0 {
            if (info.st_mode & S_IFMT) == S_IFDIR { throw .io("cannot write \(what) '\(path)': is a directory") }
            guard access(path, W_OK) == 0 else { throw .io("cannot write \(what) '\(path)': \(reason(errno))") }
            return
        }
        let directory: String
        if let slash = path.lastIndex(of: "/") {
            directory = slash == path.startIndex ? "/" : String(path[..<slash])
        } else {
            directory = "."
        }
        guard stat(directory, &info) == 0 else {
            throw .io("cannot write \(what) '\(path)': directory '\(directory)': \(reason(errno))")
        }
        guard (info.st_mode & S_IFMT) == S_IFDIR else {
            throw .io("cannot write \(what) '\(path)': '\(directory)' is not a directory")
        }
        guard access(directory, W_OK) == 0 else {
            throw .io("cannot write \(what) '\(path)': directory '\(directory)': \(reason(errno))")
        }
    }

    /// `errno` value `code` in words: `no such file` for `ENOENT`, otherwise `strerror` in lower case.
    static func reason(_ code: Int32) -> String {
        if code == ENOENT { return "no such file" }
        let text = String(cString: strerror(code))
        guard let first = text.first else { return "error \(code)" }
        return first.lowercased() + text.dropFirst()
    }
}
