#ifndef QUIET_DEBUG_WARNING_H
#define QUIET_DEBUG_WARNING_H
/// Always 1; referencing it keeps the object file (and its constructor) in the test binary.
int globalconv_quiet_debug_warning_linked(void);
#endif
