#include "history/AnomalyDetector.h"

#include "history/Statistics.h"

#include <QStringList>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

namespace accel {

QString AnomalyDetector::methodNames(int methods)
{
    QStringList names;
    if (methods & Anomaly::RobustZ) {
        names << QStringLiteral("robust-z");
    }
    if (methods & Anomaly::Ewma) {
        names << QStringLiteral("ewma");
    }
    return names.join(QLatin1Char('+'));
}

std::vector<Anomaly> AnomalyDetector::detect(std::span<const double> values,
                                             std::span<const int> segmentStarts, const Options &options)
{
    const int n = int(values.size());
    std::vector<int> bounds;
    bounds.push_back(0);
    for (int s : segmentStarts) {
        if (s > bounds.back() && s < n) {
            bounds.push_back(s);
        }
    }
    bounds.push_back(n);

    std::map<int, Anomaly> found;
    auto flag = [&](int index, double expected, double score, Anomaly::Method method) {
        Anomaly &a = found[index];
        a.index = index;
        a.value = values[size_t(index)];
        if (a.methods == 0 || score > a.score) {
            a.expected = expected;
            a.score = score;
        }
        a.methods |= method;
    };

    for (size_t b = 0; b + 1 < bounds.size(); ++b) {
        const int from = bounds[b];
        const int to = bounds[b + 1];
        if (to - from < options.minSegmentPoints) {
            continue;
        }
        const auto seg = values.subspan(size_t(from), size_t(to - from));
        const double med = Statistics::median(seg);
        const double sigma = Statistics::robustScale(seg);
        if (sigma <= 0.0) {
            continue; // constant segment: nothing stands out
        }
        // Tukey's far-out fences (3 IQR beyond the quartiles) gate both methods: in heavy-tailed
        // noise (Laplace, t) 3.5 robust sigmas is reached by ordinary points several times per
        // hundred, the fences keep those from being reported. Gaussian noise: fence ~ 4.7 sigma.
        std::vector<double> sorted(seg.begin(), seg.end());
        std::sort(sorted.begin(), sorted.end());
        const auto quantile = [&sorted](double q) {
            const double pos = q * double(sorted.size() - 1);
            const size_t lo = size_t(pos);
            const size_t hi = std::min(lo + 1, sorted.size() - 1);
            return sorted[lo] + (pos - double(lo)) * (sorted[hi] - sorted[lo]);
        };
        const double q1 = quantile(0.25);
        const double q3 = quantile(0.75);
        const double iqr = q3 - q1;
        const double lowFence =
            iqr > 0.0 ? q1 - options.fenceIqr * iqr : -std::numeric_limits<double>::infinity();
        const double highFence =
            iqr > 0.0 ? q3 + options.fenceIqr * iqr : std::numeric_limits<double>::infinity();
        const auto outsideFences = [&](double x) {
            return x < lowFence || x > highFence;
        };
        for (int i = from; i < to; ++i) {
            const double z = std::abs(values[size_t(i)] - med) / sigma;
            if (z > options.robustZThreshold && outsideFences(values[size_t(i)])) {
                flag(i, med, z, Anomaly::RobustZ);
            }
        }
        // EWMA one-step-ahead check; flagged points do not pull the average.
        double ewma = Statistics::median(seg.first(size_t(std::min(options.ewmaWarmup, to - from))));
        int seen = 0;
        for (int i = from; i < to; ++i) {
            const double x = values[size_t(i)];
            const double dev = std::abs(x - ewma) / sigma;
            if (seen >= options.ewmaWarmup && dev > options.ewmaThreshold && outsideFences(x)) {
                flag(i, ewma, dev, Anomaly::Ewma);
                continue;
            }
            ewma = options.ewmaLambda * x + (1.0 - options.ewmaLambda) * ewma;
            ++seen;
        }
    }
    std::vector<Anomaly> out;
    out.reserve(found.size());
    for (auto &[index, a] : found) {
        out.push_back(a);
    }
    return out;
}

} // namespace accel
