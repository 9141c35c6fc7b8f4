#pragma once

#include "history/MetricSample.h"
#include "history/MetricsStore.h"

#include <QHash>
#include <QObject>
#include <QSqlDatabase>
#include <QTimer>

struct sqlite3_stmt;

namespace accel {

/// The owner-thread half of MetricsStore: the only object that touches the database connection.
/// Created and deleted on the store's thread; all slots run there.
class MetricsStoreWorker : public QObject
{
    Q_OBJECT
public:
    MetricsStoreWorker(MetricsStore *store, const QString &path, const MetricsStore::Options &options);
    ~MetricsStoreWorker() override;

    bool openDatabase(QString *error);
    void closeDatabase();
    /// Writes everything queued so far; false (with `error`) when the transaction failed.
    bool drain(QString *error);
    QList<MetricPoint> runQuery(const MetricQuery &query, QString *error);
    QList<MetricSeriesKey> listSeries(const QString &metric);
    MetricsStore::RetentionReport retention(qint64 nowWallMs);

private:
    bool exec(const QString &sql, QString *error);
    qint64 seriesId(const MetricSample &sample, QString *error);
    QList<qint64> matchingSeries(const QString &metric, const MetricTags &tags);
    void onTimer();

    MetricsStore *m_store;
    QString m_path;
    QString m_connectionName;
    MetricsStore::Options m_options;
    QSqlDatabase m_db;
    QHash<MetricSeriesKey, qint64> m_seriesIds;
    QTimer m_flushTimer;
    QTimer m_retentionTimer;
    sqlite3_stmt *m_rawInsert = nullptr; // on m_db's own connection; null = QSqlQuery path
};

} // namespace accel
