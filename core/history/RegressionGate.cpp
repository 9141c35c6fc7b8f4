#include "history/RegressionGate.h"

#include "history/MetricsStore.h"
#include "history/Statistics.h"

#include <cmath>
#include <limits>
#include <vector>

namespace accel {

QString RegressionGate::toString(Verdict verdict)
{
    switch (verdict) {
    case Verdict::Regressed:
        return QStringLiteral("regressed");
    case Verdict::Improved:
        return QStringLiteral("improved");
    case Verdict::Unchanged:
        return QStringLiteral("unchanged");
    case Verdict::InsufficientData:
        return QStringLiteral("insufficient-data");
    }
    return QStringLiteral("unknown");
}

RegressionGate::Result RegressionGate::judge(std::span<const double> baseline,
                                             std::span<const double> candidate, const Options &options)
{
    Result r;
    r.baselineCount = int(baseline.size());
    r.candidateCount = int(candidate.size());
    for (std::span<const double> side : {baseline, candidate}) {
        for (double v : side) {
            if (!std::isfinite(v)) {
                r.reason = QStringLiteral("a sample is NaN or infinite");
                return r;
            }
        }
    }
    if (r.baselineCount < options.minSamples || r.candidateCount < options.minSamples) {
        r.reason = QStringLiteral("need at least %1 samples on each side (baseline %2, candidate %3)")
                       .arg(options.minSamples)
                       .arg(r.baselineCount)
                       .arg(r.candidateCount);
        return r;
    }
    r.baselineMedian = Statistics::median(baseline);
    r.candidateMedian = Statistics::median(candidate);
    const double delta = r.candidateMedian - r.baselineMedian;
    if (r.baselineMedian != 0.0) {
        r.relativeChange = delta / std::abs(r.baselineMedian);
    } else {
        r.relativeChange = delta == 0.0 ? 0.0 : std::copysign(std::numeric_limits<double>::infinity(), delta);
    }
    r.pValue = Statistics::mannWhitneyP(baseline, candidate);
    const bool worse =
        options.direction == MetricDirection::LowerIsBetter ? r.relativeChange > 0.0 : r.relativeChange < 0.0;
    const bool large = std::abs(r.relativeChange) > options.thresholdRelative;
    const bool significant = r.pValue <= options.alpha;
    if (large && significant) {
        r.verdict = worse ? Verdict::Regressed : Verdict::Improved;
    } else {
        r.verdict = Verdict::Unchanged;
    }
    r.reason = QStringLiteral("median %1 -> %2 (%3%4 %), Mann-Whitney p = %5; threshold %6 %, alpha %7")
                   .arg(r.baselineMedian, 0, 'g', 6)
                   .arg(r.candidateMedian, 0, 'g', 6)
                   .arg(r.relativeChange >= 0 ? QStringLiteral("+") : QString())
                   .arg(r.relativeChange * 100.0, 0, 'f', 1)
                   .arg(r.pValue, 0, 'g', 3)
                   .arg(options.thresholdRelative * 100.0, 0, 'g', 3)
                   .arg(options.alpha, 0, 'g', 3);
    return r;
}

bool RegressionGate::judgeFromStore(MetricsStore *store, const MetricQuery &baseline,
                                    const MetricQuery &candidate, const Options &options, Result *result,
                                    QString *error)
{
    if (baseline.metric != candidate.metric || !(baseline.tags == candidate.tags)) {
        if (error) {
            *error = QStringLiteral("baseline and candidate must be the same metric with the same tags (same "
                                    "host, browser, browser version, backend, model and test)");
        }
        return false;
    }
    const auto values = [&](const MetricQuery &q, std::vector<double> *out) {
        QString queryError;
        const QList<MetricPoint> points = store->query(q, &queryError);
        if (!queryError.isEmpty()) {
            if (error) {
                *error = queryError;
            }
            return false;
        }
        out->reserve(size_t(points.size()));
        for (const MetricPoint &p : points) {
            out->push_back(p.value);
        }
        return true;
    };
    std::vector<double> base;
    std::vector<double> cand;
    if (!values(baseline, &base) || !values(candidate, &cand)) {
        return false;
    }
    *result = judge(base, cand, options);
    return true;
}

QJsonObject RegressionGate::toJson(const Result &result)
{
    return {{QStringLiteral("verdict"), toString(result.verdict)},
            {QStringLiteral("baselineCount"), result.baselineCount},
            {QStringLiteral("candidateCount"), result.candidateCount},
            {QStringLiteral("baselineMedian"), result.baselineMedian},
            {QStringLiteral("candidateMedian"), result.candidateMedian},
            {QStringLiteral("relativeChange"), std::isfinite(result.relativeChange)
                                                   ? QJsonValue(result.relativeChange)
                                                   : QJsonValue(QJsonValue::Null)},
            {QStringLiteral("pValue"), result.pValue},
            {QStringLiteral("reason"), result.reason}};
}

} // namespace accel
