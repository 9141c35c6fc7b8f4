#include "resilience/BreakerBenchmark.h"

#include "common/Clock.h"
#include "resilience/CircuitBreaker.h"
#include "resilience/CoarseClock.h"

#include <QJsonArray>

#include <algorithm>
#include <ctime>
#include <mutex>
#include <vector>

namespace accel {

namespace {

struct Outcome
{
    bool failed;
    qint64 durationNs;
};

// Deterministic stream: ~5% failures, ~3% slow (over the 5 s default slow threshold).
std::vector<Outcome> makeStream()
{
    std::vector<Outcome> stream(4096);
    quint32 x = 0x9E3779B9u;
    for (Outcome &o : stream) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        const quint32 r = x % 1000;
        o.failed = r < 50;
        o.durationNs = (r >= 50 && r < 80) ? qint64(6'000'000'000) : qint64(20'000'000 + (x >> 20));
    }
    return stream;
}

/// The baseline: what "just count it under a lock" costs.
struct MutexCounter
{
    std::mutex mutex;
    quint64 calls = 0;
    quint64 failures = 0;
    quint64 slow = 0;
    void record(const Outcome &o)
    {
        std::lock_guard<std::mutex> lock(mutex);
        ++calls;
        failures += o.failed ? 1 : 0;
        slow += o.durationNs > 5'000'000'000 ? 1 : 0;
    }
};

BreakerConfig benchConfig(BreakerConfig::WindowType type)
{
    BreakerConfig c; // defaults: 50% failure, 80% slow thresholds: the stream never trips
    c.windowType = type;
    c.jitterSeed = 1;
    return c;
}

/// CPU time of the calling thread: on a shared machine, time spent descheduled is not the code's
/// cost. A Clock, so the benchmark also times itself through accel::Clock.
class ThreadCpuClock final : public Clock
{
public:
    qint64 nowNs() const override
    {
        timespec ts;
        if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0) {
            return Clock::system()->nowNs();
        }
        return qint64(ts.tv_sec) * 1'000'000'000 + qint64(ts.tv_nsec);
    }
};

const Clock *timer()
{
    static const ThreadCpuClock clock;
    return &clock;
}

volatile quint64 g_sink = 0;

struct Timing
{
    double cpuNs;
    double wallNs;
};

/// Starts CPU and wall timers; finish() gives ns per call for both.
class Stopwatch
{
public:
    Stopwatch()
        : m_cpu(timer()->nowNs())
        , m_wall(Clock::system()->nowNs())
    {}
    Timing finish(qint64 calls) const
    {
        const qint64 cpu = timer()->nowNs() - m_cpu;
        const qint64 wall = Clock::system()->nowNs() - m_wall;
        return {double(cpu) / double(calls), double(wall) / double(calls)};
    }

private:
    qint64 m_cpu;
    qint64 m_wall;
}; // keeps results observable so nothing is optimised away

Timing timeBaseline(const std::vector<Outcome> &stream, qint64 calls)
{
    MutexCounter counter;
    const size_t mask = stream.size() - 1;
    const Stopwatch watch;
    for (qint64 i = 0; i < calls; ++i) {
        counter.record(stream[size_t(i) & mask]);
    }
    const Timing t = watch.finish(calls);
    g_sink = g_sink + counter.calls + counter.failures + counter.slow;
    return t;
}

Timing timeClockReads(const Clock *subject, qint64 calls)
{
    qint64 sum = 0;
    const Stopwatch watch;
    for (qint64 i = 0; i < calls; ++i) {
        sum += subject->nowNs();
    }
    const Timing t = watch.finish(calls);
    g_sink = g_sink + quint64(sum);
    return t;
}

Timing timeBreaker(const std::vector<Outcome> &stream, qint64 calls, BreakerConfig::WindowType type,
                   bool acquire, const Clock *breakerClock)
{
    CircuitBreaker breaker(QStringLiteral("bench"), benchConfig(type), breakerClock);
    const size_t mask = stream.size() - 1;
    quint64 granted = 0;
    const Stopwatch watch;
    for (qint64 i = 0; i < calls; ++i) {
        if (acquire) {
            granted += breaker.tryAcquire().granted ? 1 : 0;
        }
        const Outcome &o = stream[size_t(i) & mask];
        if (o.failed) {
            breaker.recordFailure(ErrorCategory::Timeout, o.durationNs);
        } else {
            breaker.recordSuccess(o.durationNs);
        }
    }
    const Timing t = watch.finish(calls);
    const BreakerSnapshot s = breaker.snapshot();
    g_sink = g_sink + granted + s.totalSuccesses + s.totalFailures;
    return t;
}

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

} // namespace

QString BreakerBenchmark::validate(const Options &options)
{
    if (options.calls < 1000 || options.calls > 1'000'000'000) {
        return QStringLiteral("calls must be 1000..1000000000 (got %1)").arg(options.calls);
    }
    if (options.repeats < 1 || options.repeats > 100) {
        return QStringLiteral("repeats must be 1..100 (got %1)").arg(options.repeats);
    }
    return {};
}

BreakerBenchmark::Report BreakerBenchmark::run(const Options &options)
{
    const std::vector<Outcome> stream = makeStream();
    enum class Kind { Baseline, Breaker, ClockRead };
    struct Variant
    {
        QString id;
        QString description;
        Kind kind;
        BreakerConfig::WindowType type;
        bool acquire;
        const Clock *clock;
        std::vector<double> samples;
        std::vector<double> wallSamples;
    };
    const Clock *steady = Clock::system();
    const Clock *coarse = CoarseClock::instance();
    using W = BreakerConfig::WindowType;
    std::vector<Variant> variants = {
        {QStringLiteral("baseline"),
         QStringLiteral("std::mutex + counters"),
         Kind::Baseline,
         W::Count,
         false,
         steady,
         {}},
        {QStringLiteral("count"),
         QStringLiteral("record, count window (100 calls)"),
         Kind::Breaker,
         W::Count,
         false,
         steady,
         {}},
        {QStringLiteral("time"),
         QStringLiteral("record, time window (60 s/60 buckets), CoarseClock"),
         Kind::Breaker,
         W::Time,
         false,
         coarse,
         {}},
        {QStringLiteral("time-steady"),
         QStringLiteral("record, time window, steady clock"),
         Kind::Breaker,
         W::Time,
         false,
         steady,
         {}},
        {QStringLiteral("count+acquire"),
         QStringLiteral("tryAcquire + record, count window"),
         Kind::Breaker,
         W::Count,
         true,
         steady,
         {}},
        {QStringLiteral("time+acquire"),
         QStringLiteral("tryAcquire + record, time window, CoarseClock"),
         Kind::Breaker,
         W::Time,
         true,
         coarse,
         {}},
        {QStringLiteral("clock-steady"),
         QStringLiteral("one Clock::system()->nowNs() read"),
         Kind::ClockRead,
         W::Count,
         false,
         steady,
         {}},
        {QStringLiteral("clock-coarse"),
         QStringLiteral("one CoarseClock::nowNs() read"),
         Kind::ClockRead,
         W::Count,
         false,
         coarse,
         {}},
    };
    // Warm-up (page faults, frequency ramp), then interleaved rounds.
    timeBaseline(stream, std::min<qint64>(options.calls, 200'000));
    timeBreaker(stream, std::min<qint64>(options.calls, 200'000), W::Time, true, coarse);
    for (int round = 0; round < options.repeats; ++round) {
        for (Variant &v : variants) {
            Timing t{0, 0};
            switch (v.kind) {
            case Kind::Baseline:
                t = timeBaseline(stream, options.calls);
                break;
            case Kind::Breaker:
                t = timeBreaker(stream, options.calls, v.type, v.acquire, v.clock);
                break;
            case Kind::ClockRead:
                t = timeClockReads(v.clock, std::max<qint64>(1000, options.calls / 4));
                break;
            }
            v.samples.push_back(t.cpuNs);
            v.wallSamples.push_back(t.wallNs);
        }
    }
    Report report;
    report.options = options;
    const double baseline = median(variants.front().samples);
    report.targetsMet = true;
    for (const Variant &v : variants) {
        Row row;
        row.id = v.id;
        row.description = v.description;
        row.nsPerCall = median(v.samples);
        row.wallNsPerCall = median(v.wallSamples);
        row.ratioToBaseline = baseline > 0 ? row.nsPerCall / baseline : 0;
        if (v.id == QLatin1String("count") || v.id == QLatin1String("time")) {
            report.targetsMet = report.targetsMet && row.ratioToBaseline < report.targetRatio &&
                                row.nsPerCall < report.targetNs;
        }
        report.rows.append(row);
    }
    return report;
}

QString BreakerBenchmark::Report::toText() const
{
    QString out =
        QStringLiteral("breaker benchmark: %1 recorded calls per round, %2 interleaved rounds, median "
                       "round; ns = thread CPU time per call (wall clock in brackets; shared "
                       "machine: expect noise)\n")
            .arg(options.calls)
            .arg(options.repeats);
    for (const Row &r : rows) {
        out += QStringLiteral("  %1 %2 %3 ns  [%4 wall]")
                   .arg(r.id.leftJustified(14), r.description.leftJustified(52))
                   .arg(r.nsPerCall, 6, 'f', 1)
                   .arg(r.wallNsPerCall, 6, 'f', 1);
        if (r.id != QLatin1String("baseline")) {
            out += QStringLiteral("  %1x baseline").arg(r.ratioToBaseline, 0, 'f', 2);
        }
        out += QLatin1Char('\n');
    }
    out +=
        QStringLiteral("target (record rows 'count' and 'time'): < %1x baseline and < %2 ns per call: %3\n")
            .arg(targetRatio, 0, 'f', 0)
            .arg(targetNs, 0, 'f', 0)
            .arg(targetsMet ? QStringLiteral("met") : QStringLiteral("MISSED"));
    return out;
}

QJsonObject BreakerBenchmark::Report::toJson() const
{
    QJsonObject o;
    o.insert(QStringLiteral("benchmark"), QStringLiteral("breaker"));
    o.insert(QStringLiteral("callsPerRound"), double(options.calls));
    o.insert(QStringLiteral("rounds"), options.repeats);
    QJsonArray list;
    for (const Row &r : rows) {
        QJsonObject ro;
        ro.insert(QStringLiteral("id"), r.id);
        ro.insert(QStringLiteral("description"), r.description);
        ro.insert(QStringLiteral("nsPerCall"), r.nsPerCall);
        ro.insert(QStringLiteral("wallNsPerCall"), r.wallNsPerCall);
        ro.insert(QStringLiteral("ratioToBaseline"), r.ratioToBaseline);
        list.append(ro);
    }
    o.insert(QStringLiteral("rows"), list);
    o.insert(QStringLiteral("targetRatio"), targetRatio);
    o.insert(QStringLiteral("targetNs"), targetNs);
    o.insert(QStringLiteral("targetsMet"), targetsMet);
    return o;
}

} // namespace accel
