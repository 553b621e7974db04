import ArgumentParser
@testable import globalconv

/// Runs `command` with everything it would write to stderr captured (``Terminal/errorCapture``), so a
/// test that checks a failure leaves no stray `globalconv: error:` line in the test log. Returns the
/// error `run()` threw (nil if none) and the captured text.
func runCapturingStderr(_ command: any ParsableCommand) -> (error: (any Error)?, stderr: String) {
    let capture = ErrorCapture()
    var thrown: (any Error)?
    Terminal.$errorCapture.withValue(capture) {
        var command = command
        do { try command.run() } catch { thrown = error }
    }
    return (thrown, capture.text)
}
