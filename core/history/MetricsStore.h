#pragma once

#include "history/MetricSample.h"

#include <QIODevice>
#include <QMutex>
#include <QObject>
#include <QThread>

#include <atomic>
#include <vector>

namespace accel {

class Clock;
class MetricsStoreWorker;

/// SQLite (WAL) time-series store for every metric of the console.
///
/// Threads: one owner thread (started by open()) holds the only database connection; the
/// MetricsStore object itself lives in the thread that created it. record() may be called from
/// any thread: samples go to a mutex-protected queue that the owner thread drains in batches
/// (every `flushIntervalMs`, or sooner when `batchSize` samples wait), one transaction per batch.
/// The blocking calls (flush, query, series, applyRetention) must not be made from the GUI thread
/// with large results; the History view uses queryAsync().
///
/// Retention: raw points older than `rawRetentionMs` are averaged into minute buckets, minute
/// buckets older than `minuteRetentionMs` into hour buckets, hour buckets older than
/// `hourRetentionMs` are deleted. Wall time comes from `clock` anchored at construction, so tests
/// drive retention with a ManualClock.
class MetricsStore : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        int flushIntervalMs = 100;
        int batchSize = 20'000;
        qint64 rawRetentionMs = 24LL * 3600 * 1000;
        qint64 minuteRetentionMs = 14LL * 24 * 3600 * 1000;
        qint64 hourRetentionMs = 400LL * 24 * 3600 * 1000;
        /// How often the owner thread applies retention on its own (0 = only when asked).
        int retentionIntervalMs = 10 * 60 * 1000;
        /// Samples waiting beyond this are dropped (and counted) rather than eating memory.
        int maxQueuedSamples = 2'000'000;
    };

    struct RetentionReport
    {
        qint64 rawToMinute = 0; ///< raw points folded into minute buckets
        qint64 minuteToHour = 0;
        qint64 hourDeleted = 0;
    };

    /// `path` is a file (created if missing) or ":memory:". `clock` must outlive the store.
    /// `wallAnchorMs` is the wall time at construction (default: now).
    explicit MetricsStore(const QString &path, const Clock *clock = nullptr, QObject *parent = nullptr);
    MetricsStore(const QString &path, const Options &options, const Clock *clock, qint64 wallAnchorMs,
                 QObject *parent = nullptr);
    ~MetricsStore() override;

    /// Starts the owner thread and opens the database; false (with `error`) when it cannot.
    bool open(QString *error = nullptr);
    bool isOpen() const { return m_open.load(); }
    /// Flushes pending samples and stops the owner thread. Called by the destructor.
    void close();

    /// Queues samples; any thread. Invalid samples (empty metric, non-finite value) are dropped and
    /// counted in rejectedSamples().
    void record(const MetricSample &sample);
    void record(const QList<MetricSample> &samples);

    /// Blocks until every sample queued before the call is committed. False when a write failed.
    bool flush(QString *error = nullptr);

    /// Blocking query on the owner thread. Points are in time order.
    QList<MetricPoint> query(const MetricQuery &query, QString *error = nullptr);
    /// Non-blocking query: the answer arrives as queryFinished(requestId, ...) in this object's thread.
    quint64 queryAsync(const MetricQuery &query);
    /// Distinct series, optionally of one metric.
    QList<MetricSeriesKey> series(const QString &metric = QString());
    RetentionReport applyRetention();

    /// Writes the points of a query as CSV (timestamp_ms,iso_time,value,min,max,count,resolution)
    /// or as a JSON array; false with `error` when the device fails.
    bool exportCsv(const MetricQuery &query, QIODevice *device, QString *error = nullptr);
    bool exportJson(const MetricQuery &query, QIODevice *device, QString *error = nullptr);

    qint64 nowWallMs() const;
    qint64 rejectedSamples() const { return m_rejected.load(); }
    qint64 droppedSamples() const { return m_dropped.load(); }
    qint64 writtenSamples() const { return m_written.load(); }
    QString path() const { return m_path; }

Q_SIGNALS:
    void queryFinished(quint64 requestId, const QList<accel::MetricPoint> &points, const QString &error);
    /// Emitted (queued) after each committed batch.
    void samplesWritten(qint64 count);
    void writeFailed(const QString &error);

private:
    friend class MetricsStoreWorker;
    std::vector<MetricSample> takeQueue();

    QString m_path;
    Options m_options;
    const Clock *m_clock;
    qint64 m_wallAnchorMs;
    qint64 m_clockAnchorMs;
    QThread m_thread;
    MetricsStoreWorker *m_worker = nullptr; // lives on m_thread, deleted when it finishes
    QMutex m_queueMutex;
    std::vector<MetricSample> m_queue;
    std::atomic<bool> m_open{false};
    std::atomic<bool> m_wakePending{false};
    std::atomic<qint64> m_rejected{0};
    std::atomic<qint64> m_dropped{0};
    std::atomic<qint64> m_written{0};
    std::atomic<quint64> m_nextRequestId{1};
};

} // namespace accel
