#include "history/MetricsStore.h"

#include "common/Clock.h"

#include <QBuffer>
#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QTextStream>

#include <signal.h>

#include <cmath>
#include <thread>
#include <vector>

using accel::ManualClock;
using accel::MetricPoint;
using accel::MetricQuery;
using accel::MetricSample;
using accel::MetricsStore;
using accel::MetricTags;

namespace {

constexpr qint64 baseMs = 1'700'000'000'000; // a fixed wall time: hermetic
constexpr qint64 minuteMs = 60'000;
constexpr qint64 hourMs = 3'600'000;
constexpr qint64 dayMs = 24 * hourMs;

MetricSample sample(const QString &metric, qint64 ts, double value,
                    const QString &host = QStringLiteral("h1"),
                    const QString &browser = QStringLiteral("chromium"))
{
    MetricSample s;
    s.metric = metric;
    s.tags.host = host;
    s.tags.browser = browser;
    s.tags.browserVersion = QStringLiteral("156");
    s.tags.backend = QStringLiteral("webgpu");
    s.tags.model = QStringLiteral("tiny-llama");
    s.timestampMs = ts;
    s.value = value;
    return s;
}

MetricsStore::Options quietOptions()
{
    MetricsStore::Options o;
    o.retentionIntervalMs = 0; // retention only when the test asks
    return o;
}

qint64 rowCount(const QString &path, const QString &table)
{
    const QString name = QStringLiteral("check-%1").arg(table);
    qint64 n = -1;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(path);
        if (db.open()) {
            QSqlQuery q(db);
            if (q.exec(QStringLiteral("SELECT count(*) FROM %1").arg(table)) && q.next()) {
                n = q.value(0).toLongLong();
            }
            db.close();
        }
    }
    QSqlDatabase::removeDatabase(name);
    return n;
}

QString integrity(const QString &path)
{
    QString result;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("integrity"));
        db.setDatabaseName(path);
        if (db.open()) {
            QSqlQuery q(db);
            if (q.exec(QStringLiteral("PRAGMA integrity_check")) && q.next()) {
                result = q.value(0).toString();
            }
            db.close();
        }
    }
    QSqlDatabase::removeDatabase(QStringLiteral("integrity"));
    return result;
}

// Child mode: write batches forever, printing how many are committed after each flush, until killed.
int childMain(const QString &path)
{
    MetricsStore store(path, quietOptions(), nullptr, baseMs);
    QString error;
    if (!store.open(&error)) {
        QTextStream(stderr) << error << '\n';
        return 3;
    }
    QTextStream out(stdout);
    qint64 written = 0;
    for (int batch = 0; batch < 1'000'000; ++batch) {
        QList<MetricSample> samples;
        for (int i = 0; i < 500; ++i) {
            samples << sample(QStringLiteral("pool.latency.p50"), baseMs + written + i, double(written + i));
        }
        store.record(samples);
        if (!store.flush(&error)) {
            QTextStream(stderr) << error << '\n';
            return 4;
        }
        written += 500;
        out << "flushed " << written << '\n';
        out.flush();
    }
    return 0;
}

} // namespace

class tst_MetricsStore : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void roundTripAndTagQueries()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        MetricsStore store(dir.filePath(QStringLiteral("m.db")), quietOptions(), nullptr, baseMs);
        QString error;
        QVERIFY2(store.open(&error), qPrintable(error));
        QList<MetricSample> batch;
        for (int i = 0; i < 1000; ++i) {
            batch << sample(QStringLiteral("pool.latency.p95"), baseMs + i * 1000, i,
                            i % 2 ? QStringLiteral("h1") : QStringLiteral("h2"));
        }
        batch << sample(QStringLiteral("pool.throughput"), baseMs, 42.0);
        store.record(batch);
        QVERIFY2(store.flush(&error), qPrintable(error));
        QCOMPARE(store.writtenSamples(), qint64(1001));

        MetricQuery all;
        all.metric = QStringLiteral("pool.latency.p95");
        QList<MetricPoint> points = store.query(all, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(points.size(), 1000);
        for (int i = 1; i < points.size(); ++i) {
            QVERIFY(points[i - 1].timestampMs <= points[i].timestampMs);
        }
        MetricQuery h1 = all;
        h1.tags.host = QStringLiteral("h1");
        QCOMPARE(store.query(h1).size(), 500);
        MetricQuery range = all;
        range.fromMs = baseMs + 100'000;
        range.toMs = baseMs + 199'000;
        points = store.query(range);
        QCOMPARE(points.size(), 100);
        QCOMPARE(points.first().value, 100.0);
        QCOMPARE(points.last().value, 199.0);
        MetricQuery wrongBrowser = all;
        wrongBrowser.tags.browser = QStringLiteral("firefox");
        QVERIFY(store.query(wrongBrowser).isEmpty());
        MetricQuery unknown;
        unknown.metric = QStringLiteral("no.such.metric");
        QVERIFY(store.query(unknown).isEmpty());

        QCOMPARE(store.series(QStringLiteral("pool.latency.p95")).size(), 2);
        QCOMPARE(store.series().size(), 3);
    }

    void rejectsInvalidSamples_data()
    {
        QTest::addColumn<QString>("metric");
        QTest::addColumn<double>("value");
        QTest::newRow("empty metric") << QString() << 1.0;
        QTest::newRow("nan") << QStringLiteral("m") << std::nan("");
        QTest::newRow("inf") << QStringLiteral("m") << HUGE_VAL;
        QTest::newRow("huge name") << QString(300, QLatin1Char('x')) << 1.0;
    }

    void rejectsInvalidSamples()
    {
        QFETCH(QString, metric);
        QFETCH(double, value);
        MetricsStore store(QStringLiteral(":memory:"), quietOptions(), nullptr, baseMs);
        QVERIFY(store.open());
        store.record(sample(metric, baseMs, value));
        store.record(sample(QStringLiteral("ok"), baseMs, 1.0));
        QVERIFY(store.flush());
        QCOMPARE(store.rejectedSamples(), qint64(1));
        QCOMPARE(store.writtenSamples(), qint64(1));
    }

    void openFailsCleanly()
    {
        MetricsStore store(QStringLiteral("/nonexistent-dir/for/sure/m.db"), quietOptions(), nullptr, baseMs);
        QString error;
        QVERIFY(!store.open(&error));
        QVERIFY(error.contains(QStringLiteral("cannot open")));
        QVERIFY(!store.isOpen());
        QVERIFY(!store.flush(&error));
        QVERIFY(store.query(MetricQuery()).isEmpty());
    }

    void restartKeepsData()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("m.db"));
        {
            MetricsStore store(path, quietOptions(), nullptr, baseMs);
            QVERIFY(store.open());
            for (int i = 0; i < 300; ++i) {
                store.record(sample(QStringLiteral("cluster.task_duration"), baseMs + i, i));
            }
            // No flush: close() must commit what was queued.
        }
        MetricsStore again(path, quietOptions(), nullptr, baseMs);
        QVERIFY(again.open());
        MetricQuery q;
        q.metric = QStringLiteral("cluster.task_duration");
        QCOMPARE(again.query(q).size(), 300);
        again.record(sample(QStringLiteral("cluster.task_duration"), baseMs + 1000, 1.0));
        QVERIFY(again.flush());
        QCOMPARE(again.query(q).size(), 301);
        QCOMPARE(again.series().size(), 1); // the series row was reused, not duplicated
    }

    // A writer process is killed with SIGKILL mid-stream; everything it reported as flushed must
    // be there after reopening, and the database must be intact.
    void survivesSigkillOfWriter()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("killed.db"));
        QProcess child;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("ACCEL_METRICS_CHILD"), path);
        child.setProcessEnvironment(env);
        child.start(QCoreApplication::applicationFilePath(), {});
        QVERIFY2(child.waitForStarted(10000), qPrintable(child.errorString()));
        qint64 acknowledged = 0;
        QByteArray pending;
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                pending += child.readAllStandardOutput();
                qsizetype nl;
                while ((nl = pending.indexOf('\n')) >= 0) {
                    const QByteArray line = pending.left(nl);
                    pending.remove(0, nl + 1);
                    if (line.startsWith("flushed ")) {
                        acknowledged = line.mid(8).toLongLong();
                    }
                }
                return acknowledged >= 20'000 || child.state() != QProcess::Running;
            }(),
            30000);
        QCOMPARE(child.state(), QProcess::Running);
        QCOMPARE(::kill(pid_t(child.processId()), SIGKILL), 0);
        QVERIFY(child.waitForFinished(10000));
        QCOMPARE(child.exitStatus(), QProcess::CrashExit);
        pending += child.readAllStandardOutput();
        for (const QByteArray &line : pending.split('\n')) {
            if (line.startsWith("flushed ")) {
                acknowledged = line.mid(8).toLongLong();
            }
        }
        MetricsStore store(path, quietOptions(), nullptr, baseMs);
        QVERIFY(store.open());
        MetricQuery q;
        q.metric = QStringLiteral("pool.latency.p50");
        const QList<MetricPoint> points = store.query(q);
        QVERIFY2(points.size() >= acknowledged,
                 qPrintable(QStringLiteral("%1 < %2").arg(points.size()).arg(acknowledged)));
        for (int i = 0; i < points.size(); ++i) {
            QCOMPARE(points[i].value, double(i)); // no gaps, no torn rows
        }
        store.close();
        QCOMPARE(integrity(path), QStringLiteral("ok"));
    }

    void retentionDownsamples()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("r.db"));
        ManualClock clock;
        MetricsStore::Options o = quietOptions();
        o.rawRetentionMs = dayMs;
        o.minuteRetentionMs = 7 * dayMs;
        o.hourRetentionMs = 30 * dayMs;
        const qint64 now = baseMs - (baseMs % hourMs); // on an hour boundary: easy arithmetic
        MetricsStore store(path, o, &clock, now);
        QVERIFY(store.open());
        const QString m = QStringLiteral("pool.queue_depth");
        // Old raw data: 2 days ago, 120 points over two minutes (values 0..59 and 60..119).
        const qint64 old = now - 2 * dayMs;
        for (int i = 0; i < 120; ++i) {
            store.record(sample(m, old + i * 1000, i));
        }
        // Recent raw data stays raw.
        for (int i = 0; i < 10; ++i) {
            store.record(sample(m, now - 1000 * (i + 1), 7.0));
        }
        QVERIFY(store.flush());
        MetricsStore::RetentionReport r = store.applyRetention();
        QCOMPARE(r.rawToMinute, qint64(120));
        QCOMPARE(r.minuteToHour, qint64(0));
        MetricQuery q;
        q.metric = m;
        QList<MetricPoint> points = store.query(q);
        QCOMPARE(points.size(), 2 + 10);
        QCOMPARE(points[0].resolution, int(MetricPoint::Minute));
        QCOMPARE(points[0].count, qint64(60));
        QCOMPARE(points[0].value, 29.5);
        QCOMPARE(points[0].min, 0.0);
        QCOMPARE(points[0].max, 59.0);
        QCOMPARE(points[1].value, 89.5);
        QCOMPARE(points[2].resolution, int(MetricPoint::Raw));

        // Eight days later the minute buckets become one hour bucket; nothing is lost in the mean.
        clock.advanceMs(8 * dayMs);
        r = store.applyRetention();
        // The two old minute buckets and the one that the recent raw points just became.
        QCOMPARE(r.minuteToHour, qint64(3));
        points = store.query(q);
        QCOMPARE(points[0].resolution, int(MetricPoint::Hour));
        QCOMPARE(points[0].count, qint64(120));
        QCOMPARE(points[0].value, 59.5);
        QCOMPARE(points[0].max, 119.0);
        QCOMPARE(points.size(), 2);
        QCOMPARE(points[1].resolution, int(MetricPoint::Hour));
        QCOMPARE(points[1].count, qint64(10));
        QCOMPARE(points[1].value, 7.0);

        // After the hour retention everything old is gone.
        clock.advanceMs(40 * dayMs);
        r = store.applyRetention();
        QVERIFY(r.hourDeleted >= 1);
        QVERIFY(store.query(q).isEmpty());
        store.close();
        QCOMPARE(rowCount(path, QStringLiteral("points_raw")), qint64(0));
        QCOMPARE(rowCount(path, QStringLiteral("points_agg")), qint64(0));
    }

    void concurrentWriters()
    {
        QTemporaryDir dir;
        MetricsStore::Options o = quietOptions();
        o.batchSize = 700; // force many intermediate batches while writers run
        MetricsStore store(dir.filePath(QStringLiteral("c.db")), o, nullptr, baseMs);
        QVERIFY(store.open());
        constexpr int threads = 4;
        constexpr int perThread = 5000;
        std::vector<std::thread> writers;
        for (int t = 0; t < threads; ++t) {
            writers.emplace_back([&store, t] {
                for (int i = 0; i < perThread; ++i) {
                    store.record(sample(QStringLiteral("cluster.heartbeat_rtt"), baseMs + i,
                                        t * 1'000'000 + i, QStringLiteral("worker-%1").arg(t)));
                }
            });
        }
        for (auto &w : writers) {
            w.join();
        }
        QVERIFY(store.flush());
        QCOMPARE(store.writtenSamples(), qint64(threads * perThread));
        for (int t = 0; t < threads; ++t) {
            MetricQuery q;
            q.metric = QStringLiteral("cluster.heartbeat_rtt");
            q.tags.host = QStringLiteral("worker-%1").arg(t);
            const QList<MetricPoint> points = store.query(q);
            QCOMPARE(points.size(), perThread);
            double sum = 0;
            for (const MetricPoint &p : points) {
                sum += p.value;
            }
            QCOMPARE(sum, double(perThread) * t * 1'000'000 + double(perThread) * (perThread - 1) / 2.0);
        }
    }

    void maxPointsBucketsByTime()
    {
        MetricsStore store(QStringLiteral(":memory:"), quietOptions(), nullptr, baseMs);
        QVERIFY(store.open());
        for (int i = 0; i < 1000; ++i) {
            store.record(sample(QStringLiteral("m"), baseMs + i * 1000, i % 2 ? 10.0 : 20.0));
        }
        MetricQuery q;
        q.metric = QStringLiteral("m");
        q.maxPoints = 100;
        const QList<MetricPoint> points = store.query(q);
        QVERIFY(points.size() <= 100 && points.size() >= 50);
        qint64 total = 0;
        for (const MetricPoint &p : points) {
            total += p.count;
            QVERIFY(p.min >= 10.0 && p.max <= 20.0);
        }
        QCOMPARE(total, qint64(1000));
        QCOMPARE(points.first().value, 15.0);
    }

    void exportsCsvAndJson()
    {
        MetricsStore store(QStringLiteral(":memory:"), quietOptions(), nullptr, baseMs);
        QVERIFY(store.open());
        store.record(sample(QStringLiteral("m"), baseMs, 1.5));
        store.record(sample(QStringLiteral("m"), baseMs + 1000, 2.5));
        MetricQuery q;
        q.metric = QStringLiteral("m");
        QBuffer csv;
        csv.open(QIODevice::WriteOnly);
        QVERIFY(store.exportCsv(q, &csv));
        const QList<QByteArray> lines = csv.data().trimmed().split('\n');
        QCOMPARE(lines.size(), 3);
        QCOMPARE(lines[0], QByteArray("timestamp_ms,iso_time,value,min,max,count,resolution"));
        QVERIFY2(lines[1].startsWith(
                     QByteArray(QByteArray::number(baseMs) + ",2023-11-14T22:13:20.000+00:00,1.5,")),
                 lines[1].constData());
        QBuffer json;
        json.open(QIODevice::WriteOnly);
        QVERIFY(store.exportJson(q, &json));
        const QJsonObject root = QJsonDocument::fromJson(json.data()).object();
        QCOMPARE(root.value(QStringLiteral("points")).toArray().size(), 2);
        QCOMPARE(root.value(QStringLiteral("points"))
                     .toArray()[1]
                     .toObject()
                     .value(QStringLiteral("value"))
                     .toDouble(),
                 2.5);
        QBuffer closed; // not open: the write fails and says so
        QString error;
        QVERIFY(!store.exportCsv(q, &closed, &error));
        QVERIFY(!error.isEmpty());
    }

    void asyncQueryAnswersOnCallerThread()
    {
        MetricsStore store(QStringLiteral(":memory:"), quietOptions(), nullptr, baseMs);
        QVERIFY(store.open());
        store.record(sample(QStringLiteral("m"), baseMs, 3.0));
        QSignalSpy spy(&store, &MetricsStore::queryFinished);
        MetricQuery q;
        q.metric = QStringLiteral("m");
        const quint64 id = store.queryAsync(q);
        QVERIFY(spy.wait(5000));
        QCOMPARE(spy.at(0).at(0).toULongLong(), id);
        const auto points = spy.at(0).at(1).value<QList<MetricPoint>>();
        QCOMPARE(points.size(), 1);
        QCOMPARE(points[0].value, 3.0);
    }
};

int main(int argc, char **argv)
{
    if (qEnvironmentVariableIsSet("ACCEL_METRICS_CHILD")) {
        QCoreApplication app(argc, argv);
        return childMain(qEnvironmentVariable("ACCEL_METRICS_CHILD"));
    }
    QCoreApplication app(argc, argv);
    tst_MetricsStore tc;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&tc, argc, argv);
}

#include "tst_MetricsStore.moc"
