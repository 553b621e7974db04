// Both precisions of FFTW 3: `fftw_*` (double) and `fftwf_*` (float), one header.
#include <fftw3.h>
