#pragma once

#include "history/MetricDefinition.h"

#include <QHash>
#include <QList>
#include <QString>

#include <optional>
#include <vector>

namespace accel {

class MetricsStore;

/// Which browser kind and backend runs a model family's operation best, decided by measured
/// history. For each (model family, operation) the candidates (browser, backend) are ranked by
/// the median of their samples in the metric's good direction; the winner's confidence is
/// 1 - p of a Mann-Whitney U test against the runner-up. HostSelector asks preferred(), which
/// answers only when every compared candidate has enough samples and the confidence is high
/// enough; otherwise it returns nothing and the selector keeps its defaults.
///
/// Not thread-safe; build it on one thread (fromStore() blocks on store queries: not on the GUI
/// thread) and hand it over.
class BrowserProfiles
{
public:
    struct Options
    {
        MetricDirection direction = MetricDirection::LowerIsBetter;
        int minSamplesPerCandidate = 10;
        double minConfidence = 0.95;
    };

    struct Candidate
    {
        QString browser;
        QString backend;
        int samples = 0;
        double median = 0.0;
    };

    struct Ranking
    {
        QString modelFamily;
        QString operation;
        std::vector<Candidate> candidates; ///< best first
        double confidence = 0.0;           ///< that candidates[0] beats candidates[1]; 1 when alone
        bool confident = false;
        QString reason;
    };

    BrowserProfiles();
    explicit BrowserProfiles(const Options &options);

    void addSample(const QString &modelFamily, const QString &operation, const QString &browser,
                   const QString &backend, double value);
    /// Loads every series of `metric` whose tags name a model, a browser and a backend; the
    /// series' `test` tag is the operation ("inference" when empty). Only points at or after
    /// `fromMs`. Blocking.
    static BrowserProfiles fromStore(MetricsStore *store, const QString &metric, const Options &options,
                                     qint64 fromMs = 0);

    Ranking rank(const QString &modelFamily, const QString &operation) const;
    QList<Ranking> rankings() const;
    /// The winner when the ranking is confident; nothing otherwise (use the defaults).
    std::optional<Candidate> preferred(const QString &modelFamily, const QString &operation) const;

private:
    struct Key
    {
        QString family;
        QString operation;
        QString browser;
        QString backend;
        bool operator==(const Key &) const = default;
    };
    friend size_t qHash(const Key &k, size_t seed)
    {
        return qHashMulti(seed, k.family, k.operation, k.browser, k.backend);
    }
    Options m_options;
    QHash<Key, std::vector<double>> m_samples;
};

} // namespace accel
