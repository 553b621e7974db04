#!/usr/bin/env python3
"""Prints the erf table of the AVX-512 GELU (Sources/CVectorMath/activation_x86.h, gc_erf_table).

erf(a) on [0, 4) is cut into 32 intervals [i/8, (i+1)/8); on each, a degree-5 polynomial in the
interval's local variable t = a - i/8 is fitted by least squares at 60 Chebyshev nodes of the interval
to erf evaluated by mpmath at 30 digits (near-minimax). The constant term of interval 0 is set to 0 so
erf(0) = 0 exactly. Rows of the printed table are the coefficients from t^5 down to t^0 (Horner order),
columns the 32 intervals. The script also reports the fit's worst error in double precision on a dense
grid, before any single-precision rounding.

    python3 Fixtures/erf_table.py        # needs numpy and mpmath
"""
import mpmath
import numpy as np

INTERVALS, WIDTH, DEGREE = 32, 1.0 / 8.0, 5


def fit():
    mpmath.mp.dps = 30
    nodes = (np.cos((2 * np.arange(60) + 1) * np.pi / 120) + 1) * WIDTH / 2
    table = []
    for i in range(INTERVALS):
        a0 = i * WIDTH
        values = np.array([float(mpmath.erf(mpmath.mpf(a0) + mpmath.mpf(t))) for t in nodes])
        c = np.polyfit(nodes, values, DEGREE)  # highest degree first
        if i == 0:
            c[-1] = 0.0
        table.append(c)
    return np.array(table)


def main():
    table = fit()
    coefficients = table.astype(np.float32)
    worst = 0.0
    for i in range(INTERVALS):
        t = np.linspace(0, WIDTH, 2001)
        exact = np.array([float(mpmath.erf(i * WIDTH + x)) for x in t[::50]])
        approx = np.polyval(coefficients[i].astype(np.float64), t[::50])
        worst = max(worst, float(np.abs(approx - exact).max()))
    print(f"// max |fit - erf| with the float coefficients, in double: {worst:.2e}")
    print(f"static const float gc_erf_table[{DEGREE + 1}][{INTERVALS}] __attribute__((aligned(64))) = {{")
    for j in range(DEGREE + 1):
        row = ", ".join(f"{v:.9e}f" for v in coefficients[:, j])
        print(f"    {{{row}}},")
    print("};")


if __name__ == "__main__":
    main()
