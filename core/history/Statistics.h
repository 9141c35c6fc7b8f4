#pragma once

#include <span>
#include <vector>

namespace accel {

/// Small numerical helpers shared by the history detectors. Pure functions, thread-safe.
class Statistics
{
public:
    static double mean(std::span<const double> values);
    /// Unbiased sample variance (n - 1); 0 for fewer than two values.
    static double variance(std::span<const double> values);
    static double median(std::span<const double> values);
    /// Median absolute deviation from the median (not scaled).
    static double mad(std::span<const double> values);
    /// A robust standard deviation: 1.4826 * MAD, falling back to 1.2533 * mean absolute deviation
    /// when more than half the values are equal (MAD = 0). 0 only for a constant series.
    static double robustScale(std::span<const double> values);

    /// Two-sided p-value of a standard normal statistic.
    static double normalTwoSidedP(double z);
    /// Two-sided p-value of Student's t with `df` degrees of freedom (df may be fractional).
    static double studentTwoSidedP(double t, double df);
    /// Regularised incomplete beta function I_x(a, b).
    static double incompleteBeta(double a, double b, double x);

    struct TTest
    {
        double t = 0.0;
        double df = 0.0;
        double pValue = 1.0;
    };
    /// Welch's unequal-variance t-test between two samples (each needs >= 2 values).
    static TTest welch(std::span<const double> a, std::span<const double> b);

    /// Mann-Whitney U test (normal approximation with tie correction), two-sided p-value.
    static double mannWhitneyP(std::span<const double> a, std::span<const double> b);
};

} // namespace accel
