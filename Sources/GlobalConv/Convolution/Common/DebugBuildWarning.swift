#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one-time warning a debug build of GlobalConv prints to stderr on its first convolution:
/// unoptimised Swift runs the engine about 16× slower than `-c release` (direct 31×31 on
/// 1×64×56×56: 98 ms against 6 ms), which a new user otherwise takes for the library's speed.
///
/// Printed at most once per process (a process-wide once flag), only when GlobalConv itself was
/// compiled without optimisation (`_isDebugAssertConfiguration()`; a release build compiles the
/// check away), and never when the environment has `GLOBALCONV_QUIET_DEBUG=1`. The test targets set
/// that variable before any test runs (Tests/QuietDebugWarning), so test logs stay clean.
package struct DebugBuildWarning: Sendable {
    /// The text printed (with a newline).
    package static let message = "GlobalConv: debug build — convolutions run about 16× slower than with -c release "
        + "(set GLOBALCONV_QUIET_DEBUG=1 to silence this warning)"
    /// The environment variable that silences the warning when it is `1`.
    package static let quietVariable = "GLOBALCONV_QUIET_DEBUG"

    private let printed = Locked(false)

    package init() {}

    /// Whether a build in `isDebugBuild` configuration with `quietValue` as the variable's value warns.
    package static func shouldWarn(isDebugBuild: Bool, quietValue: String?) -> Bool {
        isDebugBuild && quietValue != "1"
    }

    /// Writes the message through `write` the first time it is called with `shouldWarn` true;
    /// returns whether it wrote. Thread-safe: of concurrent first calls exactly one writes.
    @discardableResult
    package func emitOnce(shouldWarn: Bool, write: (String) -> Void) -> Bool {
        guard shouldWarn else { return false }
        let first = printed.withLock { (done: inout Bool) -> Bool in
            defer { done = true }
            return !done
        }
        if first { write(Self.message + "\n") }
        return first
    }

    /// The process's warning.
    package static let shared = DebugBuildWarning()

    /// Called on every convolution entry point: in a debug build, the first call prints the warning
    /// to stderr unless `GLOBALCONV_QUIET_DEBUG=1`. After the first call it only reads a flag.
    @inline(__always)
    package static func check() {
        #if DEBUG  // SwiftPM's debug configuration defines DEBUG for every target; release builds compile nothing here
        _ = checkedOnce
        #endif
    }

    /// Evaluated once per process (Swift's lazy globals run under `swift_once`).
    private static let checkedOnce: Bool = shared.emitOnce(
        shouldWarn: shouldWarn(isDebugBuild: true, quietValue: getenv(quietVariable).map { String(cString: $0) }),
        write: { text in
            var text = text
            text.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }   // stderr
        })
}
