#pragma once

#include "cluster/ClusterTableModel.h"

namespace accel {

class ClusterConnection;

/// The coordinator's suites in submission order: name, state, progress (done/total), passed,
/// failed (failed + error), flaky (passed after a failed attempt; known once the suite's results
/// document has been fetched) and start time.
///
/// Fed by a ClusterConnection (not owned; must outlive the model) or by hand.
/// Thread: the connection's (GUI) thread.
class ClusterSuitesModel : public ClusterTableModel
{
    Q_OBJECT
public:
    enum Column {
        SuiteColumn = 0,
        StateColumn,
        ProgressColumn,
        PassedColumn,
        FailedColumn,
        FlakyColumn,
        StartedColumn,
        ColumnCount
    };
    Q_ENUM(Column)
    enum Role {
        SuiteIdRole = Qt::UserRole + 1, ///< QString
        StateRole,                      ///< QString: running, finished, cancelled
        ProgressRole,                   ///< double 0..1 (done / total)
        DoneRole,                       ///< int
        TotalRole,                      ///< int
        FlakyRole,                      ///< int, -1 not known yet
        SortRole,
    };

    explicit ClusterSuitesModel(ClusterConnection *connection, QObject *parent = nullptr);

    void setSuites(const QJsonArray &suites);
    void updateSuite(const QJsonObject &suite);
    /// Takes the flaky count from a suite's summary (GET /api/v1/suites/{id}/summary).
    void applySummary(const QString &suiteId, const QJsonObject &summary);

protected:
    QVariant cell(const QJsonObject &row, int column, int role) const override;
};

} // namespace accel
