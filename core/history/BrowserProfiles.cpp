#include "history/BrowserProfiles.h"

#include "history/MetricsStore.h"
#include "history/Statistics.h"

#include <QSet>

#include <algorithm>
#include <cmath>

namespace accel {

BrowserProfiles::BrowserProfiles()
    : BrowserProfiles(Options())
{}

BrowserProfiles::BrowserProfiles(const Options &options)
    : m_options(options)
{}

void BrowserProfiles::addSample(const QString &modelFamily, const QString &operation, const QString &browser,
                                const QString &backend, double value)
{
    if (!std::isfinite(value) || modelFamily.isEmpty() || browser.isEmpty()) {
        return;
    }
    m_samples[Key{modelFamily, operation.isEmpty() ? QStringLiteral("inference") : operation, browser,
                  backend}]
        .push_back(value);
}

BrowserProfiles BrowserProfiles::fromStore(MetricsStore *store, const QString &metric, const Options &options,
                                           qint64 fromMs)
{
    BrowserProfiles profiles(options);
    if (!store) {
        return profiles;
    }
    for (const MetricSeriesKey &key : store->series(metric)) {
        if (key.tags.model.isEmpty() || key.tags.browser.isEmpty() || key.tags.backend.isEmpty()) {
            continue;
        }
        MetricQuery q;
        q.metric = metric;
        q.tags = key.tags;
        q.fromMs = fromMs;
        for (const MetricPoint &p : store->query(q)) {
            // A downsampled bucket stands for `count` samples of about its mean.
            const qint64 copies = std::min<qint64>(p.count, 1000);
            for (qint64 i = 0; i < copies; ++i) {
                profiles.addSample(key.tags.model, key.tags.test, key.tags.browser, key.tags.backend,
                                   p.value);
            }
        }
    }
    return profiles;
}

BrowserProfiles::Ranking BrowserProfiles::rank(const QString &modelFamily, const QString &operation) const
{
    Ranking r;
    r.modelFamily = modelFamily;
    r.operation = operation.isEmpty() ? QStringLiteral("inference") : operation;
    std::vector<std::pair<Candidate, const std::vector<double> *>> found;
    for (auto it = m_samples.cbegin(); it != m_samples.cend(); ++it) {
        if (it.key().family != modelFamily || it.key().operation != r.operation) {
            continue;
        }
        Candidate c;
        c.browser = it.key().browser;
        c.backend = it.key().backend;
        c.samples = int(it.value().size());
        c.median = Statistics::median(it.value());
        found.emplace_back(c, &it.value());
    }
    const bool lowerBetter = m_options.direction == MetricDirection::LowerIsBetter;
    std::sort(found.begin(), found.end(), [lowerBetter](const auto &a, const auto &b) {
        if (a.first.median != b.first.median) {
            return lowerBetter ? a.first.median < b.first.median : a.first.median > b.first.median;
        }
        return std::tie(a.first.browser, a.first.backend) < std::tie(b.first.browser, b.first.backend);
    });
    for (const auto &f : found) {
        r.candidates.push_back(f.first);
    }
    if (found.empty()) {
        r.reason = QStringLiteral("no history");
        return r;
    }
    const Candidate &best = found[0].first;
    const QString bestName = best.browser + QLatin1Char('/') + best.backend;
    bool enough = true;
    for (const auto &f : found) {
        enough = enough && f.first.samples >= m_options.minSamplesPerCandidate;
    }
    if (found.size() == 1) {
        r.confidence = 1.0;
        r.confident = false; // nothing was compared: a single measured option is not a preference
        r.reason = QStringLiteral("only %1 measured (%2 runs)").arg(bestName).arg(best.samples);
        return r;
    }
    const Candidate &second = found[1].first;
    const double p = Statistics::mannWhitneyP(*found[0].second, *found[1].second);
    r.confidence = 1.0 - p;
    r.confident = enough && r.confidence >= m_options.minConfidence;
    r.reason = QStringLiteral("%1 median %2 vs %3/%4 median %5 over %6/%7 runs, confidence %8")
                   .arg(bestName)
                   .arg(best.median, 0, 'g', 4)
                   .arg(second.browser, second.backend)
                   .arg(second.median, 0, 'g', 4)
                   .arg(best.samples)
                   .arg(second.samples)
                   .arg(r.confidence, 0, 'f', 3);
    if (!enough) {
        r.reason +=
            QStringLiteral("; fewer than %1 runs for some candidate").arg(m_options.minSamplesPerCandidate);
    }
    return r;
}

QList<BrowserProfiles::Ranking> BrowserProfiles::rankings() const
{
    QList<std::pair<QString, QString>> keys;
    QSet<QString> seen;
    for (auto it = m_samples.cbegin(); it != m_samples.cend(); ++it) {
        const QString id = it.key().family + QChar(0x1f) + it.key().operation;
        if (!seen.contains(id)) {
            seen.insert(id);
            keys.append({it.key().family, it.key().operation});
        }
    }
    std::sort(keys.begin(), keys.end());
    QList<Ranking> out;
    for (const auto &[family, operation] : keys) {
        out.append(rank(family, operation));
    }
    return out;
}

std::optional<BrowserProfiles::Candidate> BrowserProfiles::preferred(const QString &modelFamily,
                                                                     const QString &operation) const
{
    const Ranking r = rank(modelFamily, operation);
    if (!r.confident || r.candidates.empty()) {
        return std::nullopt;
    }
    return r.candidates.front();
}

} // namespace accel
