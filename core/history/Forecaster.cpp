#include "history/Forecaster.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace accel {

namespace {

struct Fit
{
    double sse = std::numeric_limits<double>::infinity();
    double level = 0.0;
    double trend = 0.0;
};

Fit runHolt(std::span<const double> y, double alpha, double beta)
{
    Fit f;
    double level = y[0];
    double trend = y[1] - y[0];
    long double sse = 0.0L;
    for (size_t t = 1; t < y.size(); ++t) {
        const double predicted = level + trend;
        const double err = y[t] - predicted;
        sse += (long double)err * err;
        const double newLevel = alpha * y[t] + (1.0 - alpha) * predicted;
        trend = beta * (newLevel - level) + (1.0 - beta) * trend;
        level = newLevel;
    }
    f.sse = double(sse);
    f.level = level;
    f.trend = trend;
    return f;
}

// Inverse of the standard normal CDF for the upper tail (Acklam's rational approximation).
double normalQuantile(double p)
{
    static const double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,  -2.759285104469687e+02,
                               1.383577518672690e+02,  -3.066479806614716e+01, 2.506628277459239e+00};
    static const double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                               6.680131188771972e+01, -1.328068155288572e+01};
    static const double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                               -2.549732539343734e+00, 4.374664141464968e+00,  2.938163982698783e+00};
    static const double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                               3.754408661907416e+00};
    const double low = 0.02425;
    if (p < low) {
        const double q = std::sqrt(-2 * std::log(p));
        return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
               ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    }
    if (p > 1 - low) {
        const double q = std::sqrt(-2 * std::log(1 - p));
        return -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
               ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    }
    const double q = p - 0.5;
    const double r = q * q;
    return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
           (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

} // namespace

Forecaster::Result Forecaster::forecast(std::span<const double> values, const Options &options)
{
    Result r;
    const int minPoints = std::max(4, options.minPoints);
    if (int(values.size()) < minPoints) {
        return r;
    }
    const size_t take = std::min(values.size(), size_t(std::max(minPoints, options.maxFitPoints)));
    const auto y = values.last(take);
    r.enoughHistory = true;
    r.fittedPoints = int(take);

    Fit best;
    for (int ia = 1; ia <= 19; ++ia) {
        for (int ib = 0; ib <= 19; ++ib) {
            const double alpha = ia * 0.05;
            const double beta = ib * 0.05;
            const Fit f = runHolt(y, alpha, beta);
            if (f.sse < best.sse) {
                best = f;
                r.alpha = alpha;
                r.beta = beta;
            }
        }
    }
    r.level = best.level;
    r.trendPerPoint = best.trend;
    // Two parameters and two initial states are estimated.
    const double dof = std::max(1.0, double(take) - 1.0 - 2.0);
    r.residualSigma = std::sqrt(best.sse / dof);
    const double z = normalQuantile(1.0 - (1.0 - std::clamp(options.coverage, 0.5, 0.9999)) / 2.0);
    for (int h = 1; h <= std::max(1, options.horizon); ++h) {
        // Variance of the h-step error of Holt's method with additive errors (Hyndman & Athanasopoulos).
        const double a = r.alpha;
        const double b = r.beta;
        const double var = r.residualSigma * r.residualSigma *
                           (1.0 + (h - 1) * a * a * (1.0 + h * b + h * (2.0 * h - 1.0) * b * b / 6.0));
        Step s;
        s.stepsAhead = h;
        s.value = r.level + h * r.trendPerPoint;
        const double half = z * std::sqrt(var);
        s.lower = s.value - half;
        s.upper = s.value + half;
        r.steps.push_back(s);
    }
    return r;
}

} // namespace accel
