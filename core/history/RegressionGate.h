#pragma once

#include "history/MetricDefinition.h"
#include "history/MetricSample.h"

#include <QJsonObject>
#include <QString>

#include <span>

namespace accel {

class MetricsStore;

/// The CI verdict for one metric: does a candidate run regress against its baseline?
///
/// Rule: with at least `minSamples` on each side, the candidate *regressed* when its median moved
/// in the metric's bad direction by more than `thresholdRelative` of the baseline median AND a
/// two-sided Mann-Whitney U test gives p <= `alpha` (so one noisy run does not fail a build);
/// *improved* is the mirror image; anything else is *unchanged*. Medians, not means, so a single
/// outlier cannot decide. A baseline median of 0 makes any non-zero candidate an infinite change.
///
/// Baselines must be like for like: judgeFromStore() refuses a baseline whose tags (host, browser,
/// browser version, backend, model, test) differ from the candidate's, so a run is only ever
/// compared with the same hardware and browser version.
class RegressionGate
{
public:
    enum class Verdict { Regressed = 1, Improved, Unchanged, InsufficientData };

    struct Options
    {
        MetricDirection direction = MetricDirection::LowerIsBetter;
        double thresholdRelative = 0.05; ///< 5 % of the baseline median
        double alpha = 0.01;
        int minSamples = 5;
    };

    struct Result
    {
        Verdict verdict = Verdict::InsufficientData;
        int baselineCount = 0;
        int candidateCount = 0;
        double baselineMedian = 0.0;
        double candidateMedian = 0.0;
        double relativeChange = 0.0; ///< (candidate - baseline) / |baseline|
        double pValue = 1.0;
        QString reason; ///< one English sentence for logs and CI annotations
    };

    static Result judge(std::span<const double> baseline, std::span<const double> candidate,
                        const Options &options);
    /// Reads both windows from the store (blocking). False with `error` when the tags differ or
    /// a query fails.
    static bool judgeFromStore(MetricsStore *store, const MetricQuery &baseline, const MetricQuery &candidate,
                               const Options &options, Result *result, QString *error);

    static QString toString(Verdict verdict);
    static QJsonObject toJson(const Result &result);
};

} // namespace accel
