#pragma once

#include <QHashFunctions>
#include <QList>
#include <QMetaType>
#include <QString>

#include <limits>

namespace accel {

/// Where a measurement came from. Empty strings mean "not applicable" when recording and "any"
/// when querying.
struct MetricTags
{
    QString host;    ///< host or worker id
    QString browser; ///< browser kind: chromium, firefox, edge, qtwebengine
    QString browserVersion;
    QString backend; ///< webgpu, webnn, wasm, native
    QString model;
    QString test;
    bool operator==(const MetricTags &) const = default;
};

/// One measurement. `timestampMs` is wall time, milliseconds since the Unix epoch (UTC).
struct MetricSample
{
    QString metric;
    MetricTags tags;
    qint64 timestampMs = 0;
    double value = 0.0;
};

/// A point read back: a raw sample (count 1, min = max = value) or a downsampled bucket whose
/// value is the mean of `count` samples.
struct MetricPoint
{
    enum Resolution : int { Raw = 0, Minute = 1, Hour = 2 };
    qint64 timestampMs = 0;
    double value = 0.0;
    double min = 0.0;
    double max = 0.0;
    qint64 count = 1;
    int resolution = Raw;
};

/// A range query. Tags left empty match anything; points of every matching series are merged.
struct MetricQuery
{
    QString metric;
    MetricTags tags;
    qint64 fromMs = 0;
    qint64 toMs = std::numeric_limits<qint64>::max();
    /// 0 = every point; otherwise points are averaged into at most this many time buckets.
    int maxPoints = 0;
};

/// A distinct series in the store (a metric with one combination of tags).
struct MetricSeriesKey
{
    QString metric;
    MetricTags tags;
    bool operator==(const MetricSeriesKey &) const = default;
};

inline size_t qHash(const MetricSeriesKey &k, size_t seed = 0)
{
    return qHashMulti(seed, k.metric, k.tags.host, k.tags.browser, k.tags.browserVersion, k.tags.backend,
                      k.tags.model, k.tags.test);
}

} // namespace accel

Q_DECLARE_METATYPE(accel::MetricPoint)
Q_DECLARE_METATYPE(QList<accel::MetricPoint>)
