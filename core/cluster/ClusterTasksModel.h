#pragma once

#include "cluster/ClusterTableModel.h"

namespace accel {

class ClusterConnection;

/// The tasks of one suite: task, state, worker, attempts, duration and last failure. Duration
/// and last failure come from the suite's results document (finished tasks); a task's running
/// attempt history is fetched on demand (ClusterConnection::fetchTask).
///
/// setSuite() makes the connection watch that suite. Fed by a ClusterConnection (not owned;
/// must outlive the model) or by hand. Thread: the connection's (GUI) thread.
class ClusterTasksModel : public ClusterTableModel
{
    Q_OBJECT
public:
    enum Column {
        TaskColumn = 0,
        StateColumn,
        WorkerColumn,
        AttemptsColumn,
        DurationColumn,
        FailureColumn,
        ColumnCount
    };
    Q_ENUM(Column)
    enum Role {
        TaskKeyRole = Qt::UserRole + 1, ///< QString "suite/task"
        StateRole,      ///< QString: queued, assigned, running, passed, failed, error, skipped
        AttemptsRole,   ///< int
        DurationMsRole, ///< qint64, -1 until finished
        FlakyRole,      ///< bool
        SortRole,
    };

    explicit ClusterTasksModel(ClusterConnection *connection, QObject *parent = nullptr);

    /// Shows `suiteId`'s tasks (empty: none).
    void setSuite(const QString &suiteId);
    QString suite() const { return m_suite; }

    void setTasks(const QString &suiteId, const QJsonArray &tasks);
    void updateTask(const QJsonObject &task);
    /// Attaches the cases of the watched suite's summary (results without outputs) to the tasks.
    void applySummary(const QString &suiteId, const QJsonObject &summary);

protected:
    QVariant cell(const QJsonObject &row, int column, int role) const override;
    QJsonObject merged(const QJsonObject &stored, const QJsonObject &incoming) const override;

private:
    ClusterConnection *m_connection;
    QString m_suite;
    QHash<QString, QJsonObject> m_results; ///< task key -> result case (without output)
};

} // namespace accel
