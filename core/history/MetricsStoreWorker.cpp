#include "history/MetricsStoreWorker.h"

#include "common/LogCategories.h"

#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>
#include <QThread>
#include <QVariant>

#include <sqlite3.h>

#include <algorithm>
#include <atomic>

namespace accel {

namespace {

constexpr int rowsPerInsert = 256; // 3 parameters a row, below SQLite's 999-parameter default

QString multiRowInsert(int rows)
{
    QString sql = QStringLiteral("INSERT INTO points_raw(series_id, ts_ms, value) VALUES ");
    for (int i = 0; i < rows; ++i) {
        sql += i == 0 ? QStringLiteral("(?,?,?)") : QStringLiteral(",(?,?,?)");
    }
    return sql;
}

std::atomic<quint64> connectionCounter{0};

} // namespace

MetricsStoreWorker::MetricsStoreWorker(MetricsStore *store, const QString &path,
                                       const MetricsStore::Options &options)
    : m_store(store)
    , m_path(path)
    , m_connectionName(QStringLiteral("accel-metrics-%1").arg(connectionCounter.fetch_add(1)))
    , m_options(options)
    , m_flushTimer(this)
    , m_retentionTimer(this)
{
    m_flushTimer.setInterval(std::max(1, options.flushIntervalMs));
    connect(&m_flushTimer, &QTimer::timeout, this, &MetricsStoreWorker::onTimer);
    if (options.retentionIntervalMs > 0) {
        m_retentionTimer.setInterval(options.retentionIntervalMs);
        connect(&m_retentionTimer, &QTimer::timeout, this, [this] { retention(m_store->nowWallMs()); });
    }
}

MetricsStoreWorker::~MetricsStoreWorker()
{
    closeDatabase();
}

bool MetricsStoreWorker::exec(const QString &sql, QString *error)
{
    QSqlQuery q(m_db);
    if (!q.exec(sql)) {
        if (error) {
            *error = q.lastError().text();
        }
        return false;
    }
    return true;
}

bool MetricsStoreWorker::openDatabase(QString *error)
{
    m_db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connectionName);
    m_db.setDatabaseName(m_path);
    if (!m_db.open()) {
        if (error) {
            *error = m_db.lastError().text();
        }
        return false;
    }
    const QStringList schema = {
        QStringLiteral("PRAGMA journal_mode=WAL"),
        QStringLiteral("PRAGMA synchronous=NORMAL"),
        QStringLiteral("PRAGMA busy_timeout=5000"),
        QStringLiteral("PRAGMA cache_size=-32768"), // 32 MiB: the time index stays in memory while inserting
        QStringLiteral("CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)"),
        QStringLiteral(
            "CREATE TABLE IF NOT EXISTS series(id INTEGER PRIMARY KEY, metric TEXT NOT NULL, host TEXT NOT "
            "NULL, browser TEXT NOT NULL, browser_version TEXT NOT NULL, backend TEXT NOT NULL, model TEXT "
            "NOT NULL, test TEXT NOT NULL, UNIQUE(metric, host, browser, browser_version, backend, model, "
            "test))"),
        QStringLiteral(
            "CREATE TABLE IF NOT EXISTS points_raw(series_id INTEGER NOT NULL, ts_ms INTEGER NOT NULL, "
            "value REAL NOT NULL)"),
        QStringLiteral("CREATE INDEX IF NOT EXISTS points_raw_by_time ON points_raw(series_id, ts_ms)"),
        QStringLiteral(
            "CREATE TABLE IF NOT EXISTS points_agg(series_id INTEGER NOT NULL, resolution INTEGER NOT NULL, "
            "ts_ms INTEGER NOT NULL, mean REAL NOT NULL, min REAL NOT NULL, max REAL NOT NULL, count INTEGER "
            "NOT NULL)"),
        QStringLiteral(
            "CREATE INDEX IF NOT EXISTS points_agg_by_time ON points_agg(series_id, resolution, ts_ms)"),
        QStringLiteral("INSERT OR IGNORE INTO meta(key, value) VALUES('schema_version', '1')"),
    };
    for (const QString &sql : schema) {
        if (!exec(sql, error)) {
            m_db.close();
            return false;
        }
    }
    QSqlQuery version(m_db);
    if (version.exec(QStringLiteral("SELECT value FROM meta WHERE key = 'schema_version'")) &&
        version.next() && version.value(0).toString() != QLatin1String("1")) {
        if (error) {
            *error = QStringLiteral("unsupported metrics schema version %1").arg(version.value(0).toString());
        }
        m_db.close();
        return false;
    }
    // Fast path: the QSQLITE driver's own sqlite3 connection (the Debian driver links the system
    // libsqlite3 we link too), one prepared statement stepped per row inside the batch transaction.
    const QVariant handle = m_db.driver()->handle();
    if (handle.isValid() && qstrcmp(handle.typeName(), "sqlite3*") == 0) {
        sqlite3 *connection = *static_cast<sqlite3 *const *>(handle.constData());
        if (connection &&
            sqlite3_prepare_v3(connection, "INSERT INTO points_raw(series_id, ts_ms, value) VALUES(?,?,?)",
                               -1, SQLITE_PREPARE_PERSISTENT, &m_rawInsert, nullptr) != SQLITE_OK) {
            m_rawInsert = nullptr;
        }
    }
    m_flushTimer.start();
    if (m_options.retentionIntervalMs > 0) {
        m_retentionTimer.start();
    }
    return true;
}

void MetricsStoreWorker::closeDatabase()
{
    m_flushTimer.stop();
    m_retentionTimer.stop();
    if (m_db.isValid()) {
        auto finalizeInsert = [this] {
            if (m_rawInsert) {
                sqlite3_finalize(m_rawInsert);
                m_rawInsert = nullptr;
            }
        };
        if (m_db.isOpen()) {
            QString ignored;
            drain(&ignored);
            finalizeInsert();
            exec(QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)"), &ignored);
            m_db.close();
        }
        finalizeInsert();
        m_db = QSqlDatabase();
        QSqlDatabase::removeDatabase(m_connectionName);
    }
}

void MetricsStoreWorker::onTimer()
{
    QString error;
    if (!drain(&error)) {
        qCWarning(lcHistory) << "metrics write failed:" << error;
    }
}

qint64 MetricsStoreWorker::seriesId(const MetricSample &sample, QString *error)
{
    const MetricSeriesKey key{sample.metric, sample.tags};
    const auto it = m_seriesIds.constFind(key);
    if (it != m_seriesIds.cend()) {
        return *it;
    }
    QSqlQuery ins(m_db);
    ins.prepare(
        QStringLiteral("INSERT OR IGNORE INTO series(metric, host, browser, browser_version, backend, model, "
                       "test) VALUES(?,?,?,?,?,?,?)"));
    const MetricTags &t = sample.tags;
    for (const QString &v :
         {sample.metric, t.host, t.browser, t.browserVersion, t.backend, t.model, t.test}) {
        ins.addBindValue(v.isNull() ? QString(QLatin1String("")) : v);
    }
    if (!ins.exec()) {
        *error = ins.lastError().text();
        return -1;
    }
    QSqlQuery sel(m_db);
    sel.prepare(
        QStringLiteral("SELECT id FROM series WHERE metric=? AND host=? AND browser=? AND browser_version=? "
                       "AND backend=? AND model=? AND test=?"));
    for (const QString &v :
         {sample.metric, t.host, t.browser, t.browserVersion, t.backend, t.model, t.test}) {
        sel.addBindValue(v.isNull() ? QString(QLatin1String("")) : v);
    }
    if (!sel.exec() || !sel.next()) {
        *error = sel.lastError().text();
        return -1;
    }
    const qint64 id = sel.value(0).toLongLong();
    m_seriesIds.insert(key, id);
    return id;
}

bool MetricsStoreWorker::drain(QString *error)
{
    if (!m_db.isOpen()) {
        *error = QStringLiteral("database is not open");
        return false;
    }
    for (;;) {
        std::vector<MetricSample> batch = m_store->takeQueue();
        if (batch.empty()) {
            return true;
        }
        if (!m_db.transaction()) {
            *error = m_db.lastError().text();
            Q_EMIT m_store->writeFailed(*error);
            return false;
        }
        bool ok = true;
        std::vector<qint64> ids(batch.size());
        for (size_t i = 0; i < batch.size() && ok; ++i) {
            // Writers usually send runs of one series: reuse the previous id without hashing.
            if (i > 0 && batch[i].metric == batch[i - 1].metric && batch[i].tags == batch[i - 1].tags) {
                ids[i] = ids[i - 1];
                continue;
            }
            ids[i] = seriesId(batch[i], error);
            ok = ids[i] >= 0;
        }
        size_t i = 0;
        if (ok && m_rawInsert) {
            for (; i < batch.size() && ok; ++i) {
                sqlite3_bind_int64(m_rawInsert, 1, ids[i]);
                sqlite3_bind_int64(m_rawInsert, 2, batch[i].timestampMs);
                sqlite3_bind_double(m_rawInsert, 3, batch[i].value);
                if (sqlite3_step(m_rawInsert) != SQLITE_DONE) {
                    *error = QString::fromUtf8(sqlite3_errmsg(sqlite3_db_handle(m_rawInsert)));
                    ok = false;
                }
                sqlite3_reset(m_rawInsert);
            }
        }
        QSqlQuery many(m_db);
        QSqlQuery one(m_db);
        if (ok && i < batch.size()) {
            ok = many.prepare(multiRowInsert(rowsPerInsert)) && one.prepare(multiRowInsert(1));
            if (!ok) {
                *error = many.lastError().text() + one.lastError().text();
            }
        }
        while (ok && i + rowsPerInsert <= batch.size()) {
            for (int r = 0; r < rowsPerInsert; ++r, ++i) {
                many.bindValue(r * 3, ids[i]);
                many.bindValue(r * 3 + 1, batch[i].timestampMs);
                many.bindValue(r * 3 + 2, batch[i].value);
            }
            if (!many.exec()) {
                *error = many.lastError().text();
                ok = false;
            }
        }
        while (ok && i < batch.size()) {
            one.bindValue(0, ids[i]);
            one.bindValue(1, batch[i].timestampMs);
            one.bindValue(2, batch[i].value);
            if (!one.exec()) {
                *error = one.lastError().text();
                ok = false;
            }
            ++i;
        }
        many.finish();
        one.finish();
        if (!ok || !m_db.commit()) {
            if (ok) {
                *error = m_db.lastError().text();
            }
            m_db.rollback();
            m_seriesIds.clear(); // ids inserted in the failed transaction are gone
            Q_EMIT m_store->writeFailed(*error);
            return false;
        }
        m_store->m_written.fetch_add(qint64(batch.size()));
        Q_EMIT m_store->samplesWritten(qint64(batch.size()));
    }
}

QList<qint64> MetricsStoreWorker::matchingSeries(const QString &metric, const MetricTags &tags)
{
    QString sql = QStringLiteral("SELECT id FROM series WHERE metric = ?");
    QStringList binds{metric};
    const std::pair<const char *, const QString *> columns[] = {
        {"host", &tags.host},       {"browser", &tags.browser}, {"browser_version", &tags.browserVersion},
        {"backend", &tags.backend}, {"model", &tags.model},     {"test", &tags.test},
    };
    for (const auto &[column, value] : columns) {
        if (!value->isEmpty()) {
            sql += QStringLiteral(" AND %1 = ?").arg(QLatin1String(column));
            binds << *value;
        }
    }
    QSqlQuery q(m_db);
    q.prepare(sql);
    for (const QString &b : binds) {
        q.addBindValue(b);
    }
    QList<qint64> ids;
    if (q.exec()) {
        while (q.next()) {
            ids << q.value(0).toLongLong();
        }
    }
    return ids;
}

QList<MetricPoint> MetricsStoreWorker::runQuery(const MetricQuery &query, QString *error)
{
    QList<MetricPoint> out;
    QString drainError;
    if (!drain(&drainError)) {
        *error = drainError;
        return out;
    }
    const QList<qint64> ids = matchingSeries(query.metric, query.tags);
    if (ids.isEmpty()) {
        return out;
    }
    QStringList idText;
    for (qint64 id : ids) {
        idText << QString::number(id); // integers from our own table: safe to inline
    }
    const QString in = idText.join(QLatin1Char(','));
    const QString points =
        QStringLiteral(
            "SELECT ts_ms, value AS mean, value AS min, value AS max, 1 AS count, 0 AS resolution FROM "
            "points_raw WHERE series_id IN (%1) AND ts_ms >= :from AND ts_ms <= :to UNION ALL SELECT ts_ms, "
            "mean, min, max, count, resolution FROM points_agg WHERE series_id IN (%1) AND ts_ms >= :from "
            "AND ts_ms <= :to")
            .arg(in);
    qint64 bucketMs = 0;
    qint64 originMs = 0;
    if (query.maxPoints > 0) {
        QSqlQuery range(m_db);
        range.prepare(QStringLiteral("SELECT min(ts_ms), max(ts_ms), count(*) FROM (%1)").arg(points));
        range.bindValue(QStringLiteral(":from"), query.fromMs);
        range.bindValue(QStringLiteral(":to"), query.toMs);
        if (range.exec() && range.next() && range.value(2).toLongLong() > query.maxPoints) {
            originMs = range.value(0).toLongLong();
            const qint64 span = range.value(1).toLongLong() - originMs + 1;
            bucketMs = std::max<qint64>(1, (span + query.maxPoints - 1) / query.maxPoints);
        }
    }
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    if (bucketMs > 0) {
        // Buckets start at the first point so that exactly ceil(span / bucket) <= maxPoints exist.
        q.prepare(QStringLiteral(
                      "SELECT ((ts_ms - %3) / %2) * %2 + %3 AS bucket, sum(mean * count) / sum(count), "
                      "min(min), max(max), sum(count), max(resolution) FROM (%1) GROUP BY bucket ORDER BY "
                      "bucket")
                      .arg(points)
                      .arg(bucketMs)
                      .arg(originMs));
    } else {
        q.prepare(QStringLiteral("SELECT * FROM (%1) ORDER BY ts_ms").arg(points));
    }
    q.bindValue(QStringLiteral(":from"), query.fromMs);
    q.bindValue(QStringLiteral(":to"), query.toMs);
    if (!q.exec()) {
        *error = q.lastError().text();
        return out;
    }
    while (q.next()) {
        MetricPoint p;
        p.timestampMs = q.value(0).toLongLong();
        p.value = q.value(1).toDouble();
        p.min = q.value(2).toDouble();
        p.max = q.value(3).toDouble();
        p.count = q.value(4).toLongLong();
        p.resolution = q.value(5).toInt();
        out.append(p);
    }
    return out;
}

QList<MetricSeriesKey> MetricsStoreWorker::listSeries(const QString &metric)
{
    QString ignored;
    drain(&ignored);
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral(
                  "SELECT metric, host, browser, browser_version, backend, model, test FROM series%1 ORDER "
                  "BY metric, host, browser, browser_version, backend, model, test")
                  .arg(metric.isEmpty() ? QString() : QStringLiteral(" WHERE metric = ?")));
    if (!metric.isEmpty()) {
        q.addBindValue(metric);
    }
    QList<MetricSeriesKey> out;
    if (q.exec()) {
        while (q.next()) {
            MetricSeriesKey k;
            k.metric = q.value(0).toString();
            k.tags = {q.value(1).toString(), q.value(2).toString(), q.value(3).toString(),
                      q.value(4).toString(), q.value(5).toString(), q.value(6).toString()};
            out << k;
        }
    }
    return out;
}

MetricsStore::RetentionReport MetricsStoreWorker::retention(qint64 nowWallMs)
{
    MetricsStore::RetentionReport report;
    QString error;
    if (!drain(&error)) {
        return report;
    }
    constexpr qint64 minuteMs = 60'000;
    constexpr qint64 hourMs = 3'600'000;
    // Cut-offs fall on bucket boundaries so no bucket is ever split between two runs.
    const qint64 rawCut = ((nowWallMs - m_options.rawRetentionMs) / minuteMs) * minuteMs;
    const qint64 minuteCut = ((nowWallMs - m_options.minuteRetentionMs) / hourMs) * hourMs;
    const qint64 hourCut = nowWallMs - m_options.hourRetentionMs;
    if (!m_db.transaction()) {
        return report;
    }
    QSqlQuery q(m_db);
    bool ok = true;
    auto run = [&](const QString &sql, qint64 cut, qint64 *affected) {
        if (!ok) {
            return;
        }
        q.prepare(sql);
        q.addBindValue(cut);
        ok = q.exec();
        if (ok && affected) {
            *affected = q.numRowsAffected();
        }
    };
    run(QStringLiteral("INSERT INTO points_agg(series_id, resolution, ts_ms, mean, min, max, count) SELECT "
                       "series_id, 1, "
                       "(ts_ms / 60000) * 60000 AS bucket, avg(value), min(value), max(value), count(*) FROM "
                       "points_raw WHERE ts_ms < ? GROUP BY series_id, bucket"),
        rawCut, nullptr);
    run(QStringLiteral("DELETE FROM points_raw WHERE ts_ms < ?"), rawCut, &report.rawToMinute);
    run(QStringLiteral(
            "INSERT INTO points_agg(series_id, resolution, ts_ms, mean, min, max, count) SELECT series_id, "
            "2, "
            "(ts_ms / 3600000) * 3600000 AS bucket, sum(mean * count) / sum(count), min(min), max(max), "
            "sum(count) FROM points_agg WHERE resolution = 1 AND ts_ms < ? GROUP BY series_id, bucket"),
        minuteCut, nullptr);
    run(QStringLiteral("DELETE FROM points_agg WHERE resolution = 1 AND ts_ms < ?"), minuteCut,
        &report.minuteToHour);
    run(QStringLiteral("DELETE FROM points_agg WHERE resolution = 2 AND ts_ms < ?"), hourCut,
        &report.hourDeleted);
    if (!ok || !m_db.commit()) {
        qCWarning(lcHistory) << "metrics retention failed:" << q.lastError().text();
        m_db.rollback();
        return MetricsStore::RetentionReport();
    }
    return report;
}

} // namespace accel
