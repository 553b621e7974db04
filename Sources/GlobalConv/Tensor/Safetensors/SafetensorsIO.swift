#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// File reads and writes for safetensors, the only place the engine touches files.
enum SafetensorsIO {
    /// A file opened for reading, closed when the last value holding it goes; read with `pread`, so
    /// any number of tasks may read it at once. Its length is taken when it is opened.
    final class OpenFile: Sendable {
        /// Bytes read per `pread` when decoding a tensor: bounds the file bytes held beside the tensors.
        static let chunkBytes = 1 << 20

        let descriptor: Int32
        let length: Int
        let path: String

        /// Opens `path` for reading, with POSIX calls so that a failure is the system's reason, not
        /// Foundation's internals.
        /// - Throws: ``SafetensorsError/Reason/noSuchFile`` when nothing exists at `path` (`ENOENT`),
        ///   ``SafetensorsError/Reason/cannotRead(_:)`` with the reason (`permission denied`,
        ///   `is a directory`, …) otherwise; `path` as given.
        init(path: String) throws(SafetensorsError) {
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { throw readError(errno, path: path) }
            var info = stat()
            guard fstat(fd, &info) == 0 else {
                let code = errno
                close(fd)
                throw readError(code, path: path)
            }
            if (info.st_mode & S_IFMT) == S_IFDIR {
                close(fd)
                throw readError(EISDIR, path: path)
            }
            (descriptor, length, self.path) = (fd, max(0, Int(info.st_size)), path)
        }

        deinit { close(descriptor) }

        /// The 8-byte prefix and, when the header length it gives fits the file, the header after it
        /// (fewer bytes for a file shorter than 8; ``SafetensorsFile/parse(_:fileLength:)`` reports what is wrong).
        func prefixAndHeader() throws(SafetensorsError) -> [UInt8] {
            var prefix = [UInt8](repeating: 0, count: min(8, length))
            try read(into: &prefix, count: prefix.count, at: 0)
            guard prefix.count == 8 else { return prefix }
            let headerLength = SafetensorsFile.headerLength(prefix: prefix)
            guard headerLength <= UInt64(length - 8) else { return prefix }
            var head = [UInt8](repeating: 0, count: 8 + Int(headerLength))
            try read(into: &head, count: head.count, at: 0)
            return head
        }

        /// Reads `count` bytes at file offset `offset` into the start of `buffer` (`buffer.count ≥ count`).
        /// - Throws: ``SafetensorsError/Reason/cannotRead(_:)`` for a read error, or when the file ends
        ///   before `offset + count` (it shrank after it was opened).
        func read(into buffer: inout [UInt8], count: Int, at offset: Int) throws(SafetensorsError) {
            precondition(count <= buffer.count, "OpenFile.read: buffer too small")
            var done = 0
            while done < count {
                let n = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress! + done, count - done, off_t(offset + done)) }
                if n < 0 {
                    if errno == EINTR { continue }
                    throw readError(errno, path: path)
                }
                if n == 0 {
                    throw SafetensorsError(.cannotRead("the file ended at byte \(offset + done), before byte \(offset + count): it changed after it was opened"),
                                           path: path)
                }
                done += n
            }
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

    /// Replaces the file at `path` with `bytes`, atomically: the bytes go to a new file beside it
    /// (`.<name>.<random>.partial`, created exclusively with the process umask's permissions), are
    /// flushed to disk, and the new file is renamed over `path`; on any failure it is removed and
    /// `path` is untouched. POSIX calls, like the reads, so that a failure is the system's reason.
    static func writeFile(_ bytes: [UInt8], to path: String) throws(SafetensorsError) {
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[...$0]) } ?? ""
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        let partial = "\(directory).\(name).\(String(UInt64.random(in: 0...UInt64.max), radix: 36)).partial"
        let fd = open(partial, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        guard fd >= 0 else { throw writeError(errno, path: path) }
        var done = 0
        var failure: Int32 = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + done, bytes.count - done) }
            if n < 0 {
                if errno == EINTR { continue }
                failure = errno
                break
            }
            done += n
        }
        if failure == 0, fsync(fd) != 0 { failure = errno }
        if close(fd) != 0, failure == 0 { failure = errno }
        if failure == 0, rename(partial, path) != 0 { failure = errno }
        if failure != 0 {
            unlink(partial)
            throw writeError(failure, path: path)
        }
    }

    /// The error for `errno` value `code` while writing `path`.
    static func writeError(_ code: Int32, path: String) -> SafetensorsError {
        SafetensorsError(.cannotWrite(systemMessage(code)), path: path)
    }
}
