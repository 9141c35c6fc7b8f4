#pragma once

#include <QJsonObject>
#include <QList>
#include <QString>

namespace accel {

/// `accelctl bench breaker`: cost of recording one call outcome in a CircuitBreaker, measured
/// side by side with a plain std::mutex + counters baseline in the same process and run.
///
/// Every variant replays the same pre-generated outcome stream (about 5% counted failures, 3%
/// slow calls: a healthy host, so the breaker stays Closed and every call is really recorded).
/// Variants run interleaved, `repeats` rounds of `calls` each; the median round is reported, so
/// a noisy neighbour on a shared machine hurts one round, not the result.
/// Times are the benchmark thread's CPU time (CLOCK_THREAD_CPUTIME_ID behind an accel::Clock), so
/// time spent descheduled on a loaded shared machine does not count as code cost.
class BreakerBenchmark
{
public:
    struct Options
    {
        qint64 calls = 2'000'000; ///< recorded calls per round, >= 1000
        int repeats = 5;          ///< rounds per variant, 1..100
    };
    struct Row
    {
        QString id; ///< "baseline", see BreakerBenchmark.cpp (baseline, count, time, time-steady, ...)
        QString description;      ///< one line for humans
        double nsPerCall = 0;     ///< thread CPU time per call (median round)
        double wallNsPerCall = 0; ///< wall-clock time per call (median round), for reference
        double ratioToBaseline = 0;
    };
    struct Report
    {
        Options options;
        QList<Row> rows; ///< baseline first
        double targetRatio = 5.0;
        double targetNs = 100.0;
        /// Whether the record-only rows "count" and "time" (time window on CoarseClock) meet both
        /// targets. "time-steady" is reported beside them: on a VM it is dominated by the cost of
        /// one precise clock read, shown in the "clock-steady" row.
        bool targetsMet = false;
        QString toText() const;
        QJsonObject toJson() const;
    };

    /// Empty when valid.
    static QString validate(const Options &options);
    /// Runs the benchmark (blocks; a few seconds with the defaults). Precondition: validate() ok.
    static Report run(const Options &options);
};

} // namespace accel
