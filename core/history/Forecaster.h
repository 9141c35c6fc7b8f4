#pragma once

#include <span>
#include <vector>

namespace accel {

/// Holt's linear exponential smoothing (level + trend) with prediction intervals. The smoothing
/// parameters are fitted by a grid search that minimises the one-step-ahead squared error.
class Forecaster
{
public:
    struct Options
    {
        int horizon = 10;
        /// Below this many points the answer is "not enough history".
        int minPoints = 10;
        /// Only the most recent points are fitted (older history rarely predicts the next step).
        int maxFitPoints = 2000;
        /// Two-sided coverage of the prediction interval.
        double coverage = 0.95;
    };

    struct Step
    {
        int stepsAhead = 0;
        double value = 0.0;
        double lower = 0.0;
        double upper = 0.0;
    };

    struct Result
    {
        bool enoughHistory = false;
        double alpha = 0.0; ///< level smoothing
        double beta = 0.0;  ///< trend smoothing
        double level = 0.0;
        double trendPerPoint = 0.0;
        /// Standard deviation of the one-step-ahead errors of the fit.
        double residualSigma = 0.0;
        int fittedPoints = 0;
        std::vector<Step> steps;
    };

    static Result forecast(std::span<const double> values, const Options &options);
    static Result forecast(std::span<const double> values) { return forecast(values, Options()); }
};

} // namespace accel
