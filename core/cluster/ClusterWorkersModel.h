#pragma once

#include "cluster/ClusterTableModel.h"

class QTimer;

namespace accel {

class Clock;
class ClusterConnection;

/// The coordinator's workers: id, state (alive/suspect/dead, disconnected, draining/drained,
/// quarantined), capabilities summary (CPUs, memory, OS, browsers, labels), current tasks and
/// the heartbeat age. The age counts on between refreshes (from the Clock) and its column is
/// refreshed once a second while there are rows.
///
/// Fed by a ClusterConnection (not owned; must outlive the model) or by hand (setWorkers()).
/// Thread: the connection's (GUI) thread.
class ClusterWorkersModel : public ClusterTableModel
{
    Q_OBJECT
public:
    enum Column {
        WorkerColumn = 0,
        StateColumn,
        CpusColumn,
        MemoryColumn,
        OsColumn,
        BrowsersColumn,
        LabelsColumn,
        TasksColumn,
        HeartbeatColumn,
        ColumnCount
    };
    Q_ENUM(Column)
    /// The state that matters most to an operator (for colours and filters), most severe last.
    enum class WorkerState { Alive = 1, Disconnected, Draining, Drained, Suspect, Quarantined, Dead };
    Q_ENUM(WorkerState)
    enum Role {
        WorkerIdRole = Qt::UserRole + 1, ///< QString
        StateRole,                       ///< int(WorkerState)
        DrainingRole,                    ///< bool
        QuarantinedRole,                 ///< bool
        HeartbeatAgeMsRole,              ///< qint64, -1 unknown (dead or never seen)
        SortRole,                        ///< numeric value where the column has one
    };

    explicit ClusterWorkersModel(ClusterConnection *connection, const Clock *clock = nullptr,
                                 QObject *parent = nullptr);

    void setWorkers(const QJsonArray &workers);
    void updateWorker(const QJsonObject &worker);
    /// Heartbeat age now, or -1.
    qint64 heartbeatAgeMs(int row) const;
    static WorkerState stateOf(const QJsonObject &worker);

protected:
    QVariant cell(const QJsonObject &row, int column, int role) const override;
    QJsonObject merged(const QJsonObject &stored, const QJsonObject &incoming) const override;

private:
    qint64 ageOf(const QJsonObject &row) const;
    void tick();

    const Clock *m_clock;
    QTimer *m_ticker;
};

} // namespace accel
