#if canImport(FoundationEssentials)
internal import FoundationEssentials
#else
internal import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whole-file reads and writes for safetensors, the only place the engine touches files.
enum SafetensorsIO {
    /// The bytes of the file at `path`, read with POSIX calls so that a failure is the system's
    /// reason, not Foundation's internals.
    /// - Throws: ``SafetensorsError/Reason/noSuchFile`` when nothing exists at `path` (`ENOENT`),
    ///   ``SafetensorsError/Reason/cannotRead(_:)`` with the reason (`permission denied`,
    ///   `is a directory`, …) otherwise; `path` as given.
    static func readFile(at path: String) throws(SafetensorsError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw readError(errno, path: path) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw readError(errno, path: path) }
        if (info.st_mode & S_IFMT) == S_IFDIR { throw readError(EISDIR, path: path) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(max(0, Int(info.st_size)))
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw readError(errno, path: path)
            }
            if n == 0 { return bytes }
            bytes += chunk[0..<n]
        }
    }

    /// The error for `errno` value `code` while reading `path`.
    static func readError(_ code: Int32, path: String) -> SafetensorsError {
        if code == ENOENT { return SafetensorsError(.noSuchFile, path: path) }
        return SafetensorsError(.cannotRead(systemMessage(code)), path: path)
    }

    /// `strerror(code)` starting in lower case: `"permission denied"`, `"is a directory"`.
    static func systemMessage(_ code: Int32) -> String {
        let text = String(cString: strerror(code))
        guard let first = text.first else { return "error \(code)" }
        return first.lowercased() + text.dropFirst()
    }

    /// Replaces the file at `path` with `bytes`, atomically.
    static func writeFile(_ bytes: [UInt8], to path: String) throws(SafetensorsError) {
        do {
            try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw SafetensorsError(.cannotWrite(String(describing: error)), path: path)
        }
    }
}
