import ArgumentParser
import GlobalConv
import GlobalConvTools
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whether this executable was compiled without optimisation (`swift build` / `swift run` default).
let isDebugBuild: Bool = {
    #if DEBUG
    return true
    #else
    return false
    #endif
}()

/// Terminal output helpers: stdout for results, stderr for progress and errors.
enum Terminal {
    /// Whether stderr is a terminal (progress is drawn only then).
    static var stderrIsTerminal: Bool { isatty(STDERR_FILENO) != 0 }

    /// When set (by tests, for the current task and its children), receives what ``error(_:)`` would
    /// write to stderr instead, so a test that checks a failure keeps the test log clean.
    @TaskLocal static var errorCapture: ErrorCapture?

    /// Writes `text` to stderr unbuffered (or to ``errorCapture``).
    static func error(_ text: String) {
        if let errorCapture { errorCapture.append(text); return }
        var bytes = Array(text.utf8)
        bytes.withUnsafeMutableBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = write(STDERR_FILENO, buffer.baseAddress! + offset, buffer.count - offset)
                if n <= 0 { break }
                offset += n
            }
        }
    }

    /// A one-line progress indicator redrawn in place (`\r` + erase line), or nothing when stderr is
    /// not a terminal.
    static func progress(_ text: String) {
        guard stderrIsTerminal else { return }
        error("\r\u{1B}[K" + text)
    }

    /// Erases the progress line.
    static func clearProgress() {
        guard stderrIsTerminal else { return }
        error("\r\u{1B}[K")
    }
}

/// Text captured in place of stderr (see ``Terminal/errorCapture``).
final class ErrorCapture: Sendable {
    private let storage = Locked("")
    /// Everything written so far.
    var text: String { storage.withLock { $0 } }
    func append(_ s: String) { storage.withLock { $0 += s } }
}

/// Runs `body`, printing a library error's description on stderr and exiting with status 1 (no stack
/// trace); `ExitCode` passes through.
func reportingErrors(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let exit as ExitCode {
        throw exit
    } catch let error as ToolError {
        Terminal.clearProgress()
        Terminal.error("globalconv: error: \(error.description)\n")
        throw ExitCode.failure
    } catch let error as CustomStringConvertible & Error {
        Terminal.clearProgress()
        Terminal.error("globalconv: error: \(error.description)\n")
        throw ExitCode.failure
    } catch {
        Terminal.clearProgress()
        Terminal.error("globalconv: error: \(error)\n")
        throw ExitCode.failure
    }
}

/// Parses a library value in `validate()`, turning its message into a `ValidationError`.
func validated<T>(_ body: () throws(ToolError) -> T) throws -> T {
    do { return try body() } catch { throw ValidationError(error.description) }
}

/// Checks `--format` in `validate()` (``parseFormat(_:allowed:)``'s message as a `ValidationError`).
func validateFormat(_ text: String, allowed: [OutputFormat]) throws {
    _ = try validated { () throws(ToolError) in try parseFormat(text, allowed: allowed) }
}

/// Refuses, in `validate()`, to time in a debug build unless `--allow-debug` was given; `rerun` is the
/// release command the message suggests.
func refuseDebugTiming(allowDebug: Bool, rerun: String) throws {
    if isDebugBuild && !allowDebug {
        throw ValidationError("""
            this globalconv is a debug build, whose timings mislead; run '\(rerun)' \
            (or pass --allow-debug to time it anyway)
            """)
    }
}

/// Parses `--format` against the formats a command allows.
func parseFormat(_ text: String, allowed: [OutputFormat]) throws(ToolError) -> OutputFormat {
    guard let f = OutputFormat(rawValue: text), allowed.contains(f) else {
        throw .invalidValue("unknown --format '\(text)': allowed are \(allowed.map(\.rawValue).joined(separator: ", "))")
    }
    return f
}

/// Parses `--dtype`.
func parsePrecision(_ text: String) throws(ToolError) -> Precision {
    guard let p = Precision(rawValue: text) else {
        throw .invalidValue("unknown --dtype '\(text)': allowed are float32, float64")
    }
    return p
}

/// Parses `--effort`.
func parseEffort(_ text: String) throws(ToolError) -> PlanningEffort {
    guard let e = PlanningEffort(rawValue: text) else {
        throw .invalidValue("unknown --effort '\(text)': allowed are estimate, measure, patient")
    }
    return e
}

/// Checks `--threads` (nil: the machine's processor count).
func parseThreads(_ value: Int?) throws(ToolError) -> Int {
    guard let value else { return ExecutionOptions.defaultThreads }
    guard (1...1024).contains(value) else { throw .invalidValue("--threads must be in 1...1024, got \(value)") }
    return value
}

/// Writes `text` to `path`, replacing it.
func writeFile(_ text: String, to path: String) throws(ToolError) {
    guard let file = fopen(path, "w") else {
        throw .io("cannot write '\(path)': \(String(cString: strerror(errno)))")
    }
    defer { fclose(file) }
    guard fputs(text, file) >= 0 else { throw .io("writing '\(path)' failed") }
}

/// Loads a plan file (``FFTWisdom``) given with `--wisdom`/`--merge`, printing its warnings (decisions
/// measured on another CPU or library version, which are ignored) to stderr.
func importPlanFile(_ path: String) throws(FFTWisdomError) {
    for warning in try FFTWisdom.import(atPath: path) { Terminal.error("globalconv: warning: \(path): \(warning)\n") }
}
