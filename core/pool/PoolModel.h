#pragma once

#include "pool/PoolHostInfo.h"

#include <QAbstractTableModel>
#include <QList>

namespace accel {

class Clock;
class ResourcePool;

/// One row per pool host: host, kind, backends, state, breaker state, health, latency, last
/// heartbeat, weight memory. Updates are applied as the pool publishes them (already throttled, ~10 Hz) and
/// emit dataChanged only over the columns that changed in the changed row.
///
/// Roles: DisplayRole (plain English text for logs/tables; ui/ delegates add colours), plus the
/// typed roles below. Thread: the pool's (GUI) thread.
class PoolModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        HostColumn = 0,
        KindColumn,
        BackendsColumn,
        StateColumn,
        BreakerColumn,
        HealthColumn,
        LatencyColumn,
        HeartbeatColumn,
        WeightsColumn, ///< weight memory held / limit, "12.3 / 2048 MiB"
        ColumnCount
    };
    Q_ENUM(Column)
    enum Role {
        HostIdRole = Qt::UserRole + 1, ///< QString
        KindRole,                      ///< int(HostKind)
        StateRole,                     ///< int(PoolHostState)
        BreakerStateRole,              ///< int(BreakerState)
        HealthRole,                    ///< double 0..100
        LatencyMsRole,                 ///< qint64, -1 unknown
        LastHeartbeatMsRole,           ///< qint64 Clock ms, -1 never
        SortRole,                      ///< numeric value where the column has one
        WeightBytesRole,               ///< qint64, -1 unknown
        WeightLimitBytesRole,          ///< qint64, -1 unknown
    };

    /// A model fed by hand (tests, replays). `clock` (nullptr = system) turns heartbeat times into ages.
    explicit PoolModel(const Clock *clock = nullptr, QObject *parent = nullptr);
    /// A model that follows `pool` (not owned; must outlive the model or be destroyed with it).
    explicit PoolModel(ResourcePool *pool, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    /// Inserts or updates the host with info.id.
    void upsert(const PoolHostInfo &info);
    void upsert(const QList<PoolHostInfo> &infos);
    void remove(const QString &hostId);
    /// Replaces every row.
    void resetHosts(const QList<PoolHostInfo> &infos);

    int rowOf(const QString &hostId) const;
    /// Precondition: 0 <= row < rowCount().
    const PoolHostInfo &hostAt(int row) const { return m_rows.at(row); }
    QString hostIdAt(int row) const;
    int connectedCount() const;

    /// Compact weight memory text: "12.3 / 2048 MiB" (held / limit), "-" when unknown.
    static QString formatWeights(qint64 weightBytes, qint64 weightLimitBytes);

Q_SIGNALS:
    void countsChanged(int connected, int total);

private:
    QVariant display(const PoolHostInfo &h, int column) const;
    void emitCountsIfChanged();

    const Clock *m_clock;
    QList<PoolHostInfo> m_rows;
    int m_lastConnected = -1;
    int m_lastTotal = -1;
};

} // namespace accel
