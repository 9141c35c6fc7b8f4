#pragma once

#include <QString>
#include <QStringList>

namespace accel {

/// `accelctl bench history`: insert rate of MetricsStore next to raw SQLite inserts (sqlite3 C API,
/// prepared statement, one transaction) and plain QSqlQuery inserts, all into the same schema in
/// the same run; then the time each detector takes on one long series. Results are measured, never
/// estimated.
class HistoryBenchmark
{
public:
    struct Options
    {
        int insertPoints = 500'000;
        int analysisPoints = 100'000;
        /// Where the temporary databases go (a fresh temporary directory when empty).
        QString directory;
    };

    struct InsertResult
    {
        QString name;
        qint64 points = 0;
        double wallMs = 0.0;
        double cpuMs = 0.0;
        double pointsPerSecond() const { return wallMs > 0 ? points / (wallMs / 1000.0) : 0.0; }
        double pointsPerCpuSecond() const { return cpuMs > 0 ? points / (cpuMs / 1000.0) : 0.0; }
    };

    struct DetectorResult
    {
        QString name;
        int points = 0;
        double wallMs = 0.0;
        double cpuMs = 0.0;
        QString note;
    };

    struct Report
    {
        QList<InsertResult> inserts;
        QList<DetectorResult> detectors;
        QString error;
    };

    static Report run(const Options &options);
    static QString format(const Report &report);
};

} // namespace accel
