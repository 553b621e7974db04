// Linked into every test target: sets GLOBALCONV_QUIET_DEBUG=1 when the test process loads, before
// any test runs, so the debug build's one-time "GlobalConv: debug build …" warning
// (Sources/GlobalConv/Convolution/Common/DebugBuildWarning.swift) does not appear in test logs — nor in
// the `globalconv` processes the tool tests start, which inherit the environment. An explicit value
// in the environment wins (setenv's overwrite flag is 0). DebugBuildWarningTests checks the warning
// itself through its injectable environment value and writer.
#include <stdlib.h>
#include "quiet_debug_warning.h"

__attribute__((constructor)) static void globalconv_quiet_debug_warning(void) {
    setenv("GLOBALCONV_QUIET_DEBUG", "1", 0);
}

int globalconv_quiet_debug_warning_linked(void) { return 1; }
