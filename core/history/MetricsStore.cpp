#include "history/MetricsStore.h"

#include "history/MetricsStoreWorker.h"

#include "common/Clock.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTimeZone>

#include <cmath>

namespace accel {

namespace {

// Runs `fn` on the worker's thread and waits for it. Never called from that thread itself.
template<typename Fn> void runBlocking(MetricsStoreWorker *worker, QThread *thread, Fn &&fn)
{
    if (QThread::currentThread() == thread) {
        fn();
        return;
    }
    QMetaObject::invokeMethod(worker, std::forward<Fn>(fn), Qt::BlockingQueuedConnection);
}

} // namespace

MetricsStore::MetricsStore(const QString &path, const Clock *clock, QObject *parent)
    : MetricsStore(path, Options(), clock, QDateTime::currentMSecsSinceEpoch(), parent)
{}

MetricsStore::MetricsStore(const QString &path, const Options &options, const Clock *clock,
                           qint64 wallAnchorMs, QObject *parent)
    : QObject(parent)
    , m_path(path)
    , m_options(options)
    , m_clock(clock ? clock : Clock::system())
    , m_wallAnchorMs(wallAnchorMs)
    , m_clockAnchorMs(m_clock->nowMs())
{
    qRegisterMetaType<QList<accel::MetricPoint>>();
    m_thread.setObjectName(QStringLiteral("MetricsStore"));
}

MetricsStore::~MetricsStore()
{
    close();
}

qint64 MetricsStore::nowWallMs() const
{
    return m_wallAnchorMs + (m_clock->nowMs() - m_clockAnchorMs);
}

bool MetricsStore::open(QString *error)
{
    if (m_open.load()) {
        return true;
    }
    m_worker = new MetricsStoreWorker(this, m_path, m_options); // owned here; deleted in close()
    m_worker->moveToThread(&m_thread);
    m_thread.start();
    bool ok = false;
    QString message;
    MetricsStoreWorker *worker = m_worker;
    runBlocking(worker, &m_thread, [worker, &ok, &message] { ok = worker->openDatabase(&message); });
    if (!ok) {
        runBlocking(worker, &m_thread, [worker] { worker->closeDatabase(); });
        m_thread.quit();
        m_thread.wait();
        delete m_worker;
        m_worker = nullptr;
        if (error) {
            *error = QStringLiteral("cannot open metrics store %1: %2").arg(m_path, message);
        }
        return false;
    }
    m_open.store(true);
    return true;
}

void MetricsStore::close()
{
    if (!m_worker) {
        return;
    }
    MetricsStoreWorker *worker = m_worker;
    runBlocking(worker, &m_thread, [worker] { worker->closeDatabase(); });
    m_open.store(false);
    m_thread.quit();
    m_thread.wait();
    delete m_worker; // its thread has finished and its timers are stopped
    m_worker = nullptr;
}

void MetricsStore::record(const MetricSample &sample)
{
    record(QList<MetricSample>{sample});
}

void MetricsStore::record(const QList<MetricSample> &samples)
{
    bool wake = false;
    {
        QMutexLocker lock(&m_queueMutex);
        for (const MetricSample &s : samples) {
            if (s.metric.isEmpty() || s.metric.size() > 200 || !std::isfinite(s.value)) {
                m_rejected.fetch_add(1);
                continue;
            }
            if (int(m_queue.size()) >= m_options.maxQueuedSamples) {
                m_dropped.fetch_add(1);
                continue;
            }
            m_queue.push_back(s);
        }
        if (int(m_queue.size()) >= m_options.batchSize && !m_wakePending.exchange(true)) {
            wake = true;
        }
    }
    if (wake && m_worker && m_open.load()) {
        MetricsStoreWorker *worker = m_worker;
        QMetaObject::invokeMethod(
            worker,
            [worker] {
                QString error;
                worker->drain(&error);
            },
            Qt::QueuedConnection);
    }
}

std::vector<MetricSample> MetricsStore::takeQueue()
{
    QMutexLocker lock(&m_queueMutex);
    std::vector<MetricSample> out;
    out.swap(m_queue);
    m_wakePending.store(false);
    return out;
}

bool MetricsStore::flush(QString *error)
{
    if (!m_open.load()) {
        if (error) {
            *error = QStringLiteral("metrics store is not open");
        }
        return false;
    }
    bool ok = false;
    QString message;
    MetricsStoreWorker *worker = m_worker;
    runBlocking(worker, &m_thread, [worker, &ok, &message] { ok = worker->drain(&message); });
    if (!ok && error) {
        *error = message;
    }
    return ok;
}

QList<MetricPoint> MetricsStore::query(const MetricQuery &query, QString *error)
{
    QList<MetricPoint> points;
    if (!m_open.load()) {
        if (error) {
            *error = QStringLiteral("metrics store is not open");
        }
        return points;
    }
    QString message;
    MetricsStoreWorker *worker = m_worker;
    runBlocking(worker, &m_thread,
                [worker, &points, &message, &query] { points = worker->runQuery(query, &message); });
    if (error) {
        *error = message;
    }
    return points;
}

quint64 MetricsStore::queryAsync(const MetricQuery &query)
{
    const quint64 id = m_nextRequestId.fetch_add(1);
    if (!m_open.load()) {
        QMetaObject::invokeMethod(
            this, [this, id] { Q_EMIT queryFinished(id, {}, QStringLiteral("metrics store is not open")); },
            Qt::QueuedConnection);
        return id;
    }
    MetricsStoreWorker *worker = m_worker;
    QMetaObject::invokeMethod(
        worker,
        [this, worker, id, query] {
            QString error;
            const QList<MetricPoint> points = worker->runQuery(query, &error);
            // Emitted in the store's own thread, so receivers there (the GUI) get a plain call.
            QMetaObject::invokeMethod(
                this, [this, id, points, error] { Q_EMIT queryFinished(id, points, error); },
                Qt::QueuedConnection);
        },
        Qt::QueuedConnection);
    return id;
}

QList<MetricSeriesKey> MetricsStore::series(const QString &metric)
{
    QList<MetricSeriesKey> out;
    if (!m_open.load()) {
        return out;
    }
    MetricsStoreWorker *worker = m_worker;
    runBlocking(worker, &m_thread, [worker, &out, &metric] { out = worker->listSeries(metric); });
    return out;
}

MetricsStore::RetentionReport MetricsStore::applyRetention()
{
    RetentionReport report;
    if (!m_open.load()) {
        return report;
    }
    const qint64 now = nowWallMs();
    MetricsStoreWorker *worker = m_worker;
    runBlocking(worker, &m_thread, [worker, &report, now] { report = worker->retention(now); });
    return report;
}

bool MetricsStore::exportCsv(const MetricQuery &q, QIODevice *device, QString *error)
{
    QString message;
    const QList<MetricPoint> points = query(q, &message);
    if (!message.isEmpty()) {
        if (error) {
            *error = message;
        }
        return false;
    }
    QByteArray out = "timestamp_ms,iso_time,value,min,max,count,resolution\n";
    for (const MetricPoint &p : points) {
        out += QByteArray::number(p.timestampMs) + ',' +
               QDateTime::fromMSecsSinceEpoch(p.timestampMs, QTimeZone::utc())
                   .toString(Qt::ISODateWithMs)
                   .toUtf8() +
               ',' + QByteArray::number(p.value, 'g', 17) + ',' + QByteArray::number(p.min, 'g', 17) + ',' +
               QByteArray::number(p.max, 'g', 17) + ',' + QByteArray::number(p.count) + ',' +
               QByteArray::number(p.resolution) + '\n';
    }
    if (!device || device->write(out) != out.size()) {
        if (error) {
            *error = device ? device->errorString() : QStringLiteral("no output device");
        }
        return false;
    }
    return true;
}

bool MetricsStore::exportJson(const MetricQuery &q, QIODevice *device, QString *error)
{
    QString message;
    const QList<MetricPoint> points = query(q, &message);
    if (!message.isEmpty()) {
        if (error) {
            *error = message;
        }
        return false;
    }
    QJsonArray array;
    for (const MetricPoint &p : points) {
        QJsonObject o;
        o[QStringLiteral("timestamp_ms")] = double(p.timestampMs);
        o[QStringLiteral("value")] = p.value;
        o[QStringLiteral("min")] = p.min;
        o[QStringLiteral("max")] = p.max;
        o[QStringLiteral("count")] = double(p.count);
        o[QStringLiteral("resolution")] = p.resolution;
        array.append(o);
    }
    QJsonObject root;
    root[QStringLiteral("metric")] = q.metric;
    root[QStringLiteral("points")] = array;
    const QByteArray out = QJsonDocument(root).toJson(QJsonDocument::Compact);
    if (!device || device->write(out) != out.size()) {
        if (error) {
            *error = device ? device->errorString() : QStringLiteral("no output device");
        }
        return false;
    }
    return true;
}

} // namespace accel
