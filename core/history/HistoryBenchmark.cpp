#include "history/HistoryBenchmark.h"

#include "history/AnomalyDetector.h"
#include "history/ChangePointDetector.h"
#include "history/Forecaster.h"
#include "history/MetricsStore.h"
#include "history/SyntheticSeries.h"
#include "history/TrendAnalyzer.h"

#include "common/Clock.h"

#include <QDir>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTextStream>

#include <sqlite3.h>

#include <ctime>
#include <functional>
#include <memory>

namespace accel {

namespace {

constexpr qint64 baseMs = 1'700'000'000'000;
constexpr int seriesCount = 16;

// The pragmas MetricsStore uses, so the comparison is about the code path, not the settings.
const char *schemaSql =
    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-32768;"
    "CREATE TABLE points_raw(series_id INTEGER NOT NULL, ts_ms INTEGER NOT NULL, value REAL NOT "
    "NULL);"
    "CREATE INDEX points_raw_by_time ON points_raw(series_id, ts_ms);";

double nowMs()
{
    return double(Clock::system()->nowNs()) / 1e6;
}

// Process CPU time, only to show how much of a wall time was this program on a shared machine.
double cpuMs()
{
    return double(std::clock()) * 1000.0 / CLOCKS_PER_SEC;
}

HistoryBenchmark::InsertResult rawSqlite(const QString &path, int points, QString *error)
{
    HistoryBenchmark::InsertResult r;
    r.name = QStringLiteral("raw sqlite3 (C API, prepared, 1 txn)");
    sqlite3 *db = nullptr;
    if (sqlite3_open(path.toUtf8().constData(), &db) != SQLITE_OK) {
        *error = QStringLiteral("sqlite3_open: %1").arg(QString::fromUtf8(sqlite3_errmsg(db)));
        sqlite3_close(db);
        return r;
    }
    std::unique_ptr<sqlite3, decltype(&sqlite3_close)> guard(db, &sqlite3_close);
    char *msg = nullptr;
    if (sqlite3_exec(db, schemaSql, nullptr, nullptr, &msg) != SQLITE_OK) {
        *error = QString::fromUtf8(msg);
        sqlite3_free(msg);
        return r;
    }
    const double c0 = cpuMs();
    const double t0 = nowMs();
    sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
    sqlite3_stmt *stmt = nullptr;
    sqlite3_prepare_v2(db, "INSERT INTO points_raw(series_id, ts_ms, value) VALUES(?,?,?)", -1, &stmt,
                       nullptr);
    for (int i = 0; i < points; ++i) {
        sqlite3_bind_int64(stmt, 1, 1 + i % seriesCount);
        sqlite3_bind_int64(stmt, 2, baseMs + i);
        sqlite3_bind_double(stmt, 3, double(i % 1000));
        if (sqlite3_step(stmt) != SQLITE_DONE) {
            *error = QString::fromUtf8(sqlite3_errmsg(db));
            sqlite3_finalize(stmt);
            return r;
        }
        sqlite3_reset(stmt);
    }
    sqlite3_finalize(stmt);
    sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
    r.wallMs = nowMs() - t0;
    r.cpuMs = cpuMs() - c0;
    r.points = points;
    return r;
}

HistoryBenchmark::InsertResult qsqlSingleRow(const QString &path, int points, QString *error)
{
    HistoryBenchmark::InsertResult r;
    r.name = QStringLiteral("QSqlQuery single-row (prepared, 1 txn)");
    const QString name = QStringLiteral("accel-bench-qsql");
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(path);
        if (!db.open()) {
            *error = db.lastError().text();
        } else {
            QSqlQuery q(db);
            for (const QString &sql :
                 QString::fromLatin1(schemaSql).split(QLatin1Char(';'), Qt::SkipEmptyParts)) {
                q.exec(sql);
            }
            const double c0 = cpuMs();
            const double t0 = nowMs();
            db.transaction();
            q.prepare(QStringLiteral("INSERT INTO points_raw(series_id, ts_ms, value) VALUES(?,?,?)"));
            for (int i = 0; i < points; ++i) {
                q.bindValue(0, 1 + i % seriesCount);
                q.bindValue(1, baseMs + i);
                q.bindValue(2, double(i % 1000));
                if (!q.exec()) {
                    *error = q.lastError().text();
                    break;
                }
            }
            db.commit();
            r.wallMs = nowMs() - t0;
            r.cpuMs = cpuMs() - c0;
            r.points = points;
            q.finish();
            db.close();
        }
    }
    QSqlDatabase::removeDatabase(name);
    return r;
}

HistoryBenchmark::InsertResult metricsStore(const QString &path, int points, QString *error)
{
    HistoryBenchmark::InsertResult r;
    r.name = QStringLiteral("MetricsStore.record() + flush()");
    MetricsStore::Options o;
    o.retentionIntervalMs = 0;
    MetricsStore store(path, o, nullptr, baseMs);
    if (!store.open(error)) {
        return r;
    }
    // Samples are built before the clock starts: the benchmark measures the store, not QString.
    QList<MetricSample> samples;
    samples.reserve(points);
    for (int i = 0; i < points; ++i) {
        MetricSample s;
        s.metric = QStringLiteral("pool.latency.p50");
        s.tags.host = QStringLiteral("host-%1").arg(i % seriesCount);
        s.timestampMs = baseMs + i;
        s.value = double(i % 1000);
        samples.append(std::move(s));
    }
    const double c0 = cpuMs();
    const double t0 = nowMs();
    constexpr int chunk = 5000;
    for (int i = 0; i < points; i += chunk) {
        store.record(samples.mid(i, chunk));
    }
    if (!store.flush(error)) {
        return r;
    }
    r.wallMs = nowMs() - t0;
    r.cpuMs = cpuMs() - c0;
    r.points = store.writtenSamples();
    return r;
}

HistoryBenchmark::DetectorResult timeIt(const QString &name, int points, const std::function<QString()> &fn)
{
    HistoryBenchmark::DetectorResult d;
    d.name = name;
    d.points = points;
    const double c0 = cpuMs();
    const double t0 = nowMs();
    d.note = fn();
    d.wallMs = nowMs() - t0;
    d.cpuMs = cpuMs() - c0;
    return d;
}

} // namespace

HistoryBenchmark::Report HistoryBenchmark::run(const Options &options)
{
    Report report;
    QTemporaryDir tmp;
    const QString dir = options.directory.isEmpty() ? tmp.path() : options.directory;
    if (options.directory.isEmpty() && !tmp.isValid()) {
        report.error = QStringLiteral("cannot create a temporary directory");
        return report;
    }
    const int n = std::max(1000, options.insertPoints);
    QString error;
    const InsertResult raw = rawSqlite(QDir(dir).filePath(QStringLiteral("raw.db")), n, &error);
    const InsertResult qsql = qsqlSingleRow(QDir(dir).filePath(QStringLiteral("qsql.db")), n, &error);
    const InsertResult store = metricsStore(QDir(dir).filePath(QStringLiteral("store.db")), n, &error);
    if (!error.isEmpty()) {
        report.error = error;
        return report;
    }
    report.inserts = {raw, qsql, store};

    const int m = std::max(1000, options.analysisPoints);
    SyntheticSeries gen(42);
    std::vector<int> steps;
    std::vector<double> sizes;
    for (int i = 1; i < 10; ++i) {
        steps.push_back(i * m / 10);
        sizes.push_back(i % 2 ? 2.0 : -2.0);
    }
    const auto big = gen.make(m, 100.0, 1.0, SyntheticSeries::Noise::Gaussian, steps, sizes, {m / 3}, 20.0);
    std::vector<int> tenKSteps;
    std::vector<double> tenKSizes;
    for (int i = 1; i < 10; ++i) {
        tenKSteps.push_back(i * 1000);
        tenKSizes.push_back(i % 2 ? 2.0 : -2.0);
    }
    const std::vector<double> tenK =
        gen.make(10'000, 100.0, 1.0, SyntheticSeries::Noise::Gaussian, tenKSteps, tenKSizes, {3333}, 20.0)
            .values;

    auto changeNote = [](const ChangePointDetector::Result &r) {
        return QStringLiteral("%1 changes, %2 permutations").arg(r.changes.size()).arg(r.permutationsRun);
    };
    ChangePointDetector::Options perm;
    ChangePointDetector::Options ttest;
    ttest.significance = ChangePointDetector::Significance::TTest;
    ttest.maxPValue = 0.001;
    report.detectors << timeIt(QStringLiteral("change points, permutation test"), int(tenK.size()),
                               [&] { return changeNote(ChangePointDetector::detect(tenK, perm)); });
    report.detectors << timeIt(QStringLiteral("change points, Welch t-test"), int(tenK.size()),
                               [&] { return changeNote(ChangePointDetector::detect(tenK, ttest)); });
    report.detectors << timeIt(QStringLiteral("change points, permutation test"), m,
                               [&] { return changeNote(ChangePointDetector::detect(big.values, perm)); });
    report.detectors << timeIt(QStringLiteral("change points, Welch t-test"), m,
                               [&] { return changeNote(ChangePointDetector::detect(big.values, ttest)); });
    report.detectors << timeIt(QStringLiteral("trend (Theil-Sen + Mann-Kendall)"), m, [&] {
        const auto t = TrendAnalyzer::analyze(big.values);
        return t.exact ? QStringLiteral("exact") : QStringLiteral("Theil-Sen on 2M sampled pairs");
    });
    report.detectors << timeIt(QStringLiteral("anomalies (robust z + EWMA)"), m, [&] {
        return QStringLiteral("%1 anomalies")
            .arg(AnomalyDetector::detect(big.values, big.changePoints).size());
    });
    report.detectors << timeIt(QStringLiteral("forecast (Holt, 20x20 grid)"), m, [&] {
        const auto f = Forecaster::forecast(big.values);
        return QStringLiteral("fitted on the last %1 points").arg(f.fittedPoints);
    });
    return report;
}

QString HistoryBenchmark::format(const Report &report)
{
    QString out;
    QTextStream s(&out);
    if (!report.error.isEmpty()) {
        s << "error: " << report.error << '\n';
        return out;
    }
    s << "inserts (same schema, index and pragmas, same run; MetricsStore cpu includes its owner thread):\n";
    const double rawRate = report.inserts.isEmpty() ? 0.0 : report.inserts.first().pointsPerSecond();
    for (const InsertResult &r : report.inserts) {
        s << "  " << r.name.leftJustified(40) << QString::number(r.points).rightJustified(9) << " points "
          << QString::number(r.wallMs, 'f', 1).rightJustified(9) << " ms wall "
          << QString::number(r.pointsPerSecond(), 'f', 0).rightJustified(10) << " points/s  x"
          << QString::number(rawRate > 0 ? r.pointsPerSecond() / rawRate : 0.0, 'f', 2) << " of raw  (cpu "
          << QString::number(r.cpuMs, 'f', 1) << " ms: " << QString::number(r.pointsPerCpuSecond(), 'f', 0)
          << " points/cpu-s)\n";
    }
    s << "\ndetectors (wall ms; process CPU ms shows how much of it was this process on a shared machine):\n";
    for (const DetectorResult &d : report.detectors) {
        s << "  " << d.name.leftJustified(36) << QString::number(d.points).rightJustified(7) << " points "
          << QString::number(d.wallMs, 'f', 1).rightJustified(9) << " ms wall "
          << QString::number(d.cpuMs, 'f', 1).rightJustified(9) << " ms cpu  " << d.note << '\n';
    }
    return out;
}

} // namespace accel
