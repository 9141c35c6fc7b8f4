#pragma once

#include "pool/PoolHostInfo.h"

#include <QAbstractTableModel>
#include <QHash>

#include <deque>

namespace accel {

class ResourcePool;

/// Bounded time series of host health: one row per sample (time, host, health, breaker state),
/// oldest first. The dashboard's health lines are a view of this model; a table can show it and
/// it can be exported as it is.
///
/// Sampling: a host gets a sample when its health or breaker state changed, or when
/// sampleIntervalMs passed since its last sample (so lines keep moving while values are flat).
/// Rows older than historyMs before the newest time are removed from the front (bounded memory:
/// at most hosts * historyMs / sampleIntervalMs rows plus changes).
class HealthHistoryModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { TimeColumn = 0, HostColumn, HealthColumn, BreakerColumn, ColumnCount };
    enum Role {
        TimeMsRole = Qt::UserRole + 1, ///< qint64 Clock ms
        HostIdRole,                    ///< QString
        HealthRole,                    ///< double
        BreakerStateRole,              ///< int(BreakerState)
    };
    struct Sample
    {
        qint64 timeMs = 0;
        QString hostId;
        double health = 0;
        BreakerState breaker = BreakerState::Closed;
    };

    explicit HealthHistoryModel(qint64 historyMs = 600'000, qint64 sampleIntervalMs = 1'000,
                                QObject *parent = nullptr);
    /// Follows `pool` (not owned): samples its published updates, stamped with the pool's clock.
    explicit HealthHistoryModel(ResourcePool *pool, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    /// Adds samples for `hosts` at `nowMs` (per the sampling rule), then trims old rows.
    void record(const QList<PoolHostInfo> &hosts, qint64 nowMs);
    qint64 historyMs() const { return m_historyMs; }
    const Sample &sampleAt(int row) const { return m_rows.at(std::size_t(row)); }
    /// Newest sample time, 0 when empty.
    qint64 latestMs() const { return m_rows.empty() ? 0 : m_rows.back().timeMs; }
    QStringList hostIds() const;

private:
    void trim(qint64 nowMs);

    qint64 m_historyMs;
    qint64 m_sampleIntervalMs;
    std::deque<Sample> m_rows;
    QHash<QString, Sample> m_last; ///< last sample per host
    QStringList m_hostOrder;
};

} // namespace accel
