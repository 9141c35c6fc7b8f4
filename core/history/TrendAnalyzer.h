#pragma once

#include <span>

namespace accel {

/// Theil-Sen slope with a Mann-Kendall significance test, x = point index. Robust to outliers
/// (29% breakdown point) and needs no normality.
class TrendAnalyzer
{
public:
    struct Options
    {
        /// Below this many points the answer is "not enough history".
        int minPoints = 10;
        /// Trend is called significant when the Mann-Kendall p-value is below this.
        double alpha = 0.05;
        /// Exact Theil-Sen (all n(n-1)/2 slopes) up to this many points; above it the median is
        /// taken over `sampledPairs` random pairs (deterministic seed) and `exact` is false.
        int exactLimit = 3000;
        int sampledPairs = 2'000'000;
    };

    struct Result
    {
        bool enoughHistory = false;
        int points = 0;
        /// Change of the value per point (Theil-Sen median slope).
        double slopePerPoint = 0.0;
        /// Intercept so that value ~ intercept + slopePerPoint * index (median of y - slope * x).
        double intercept = 0.0;
        /// slopePerPoint * points / |median|: the relative change over the whole series.
        double relativeChangeOverSeries = 0.0;
        bool exact = true;
        double mannKendallS = 0.0;
        double mannKendallZ = 0.0;
        double pValue = 1.0;
        bool significant = false;
    };

    static Result analyze(std::span<const double> values, const Options &options);
    static Result analyze(std::span<const double> values) { return analyze(values, Options()); }
};

} // namespace accel
