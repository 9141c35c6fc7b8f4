#pragma once

#include "cluster/LocalHaCluster.h"

#include <QHash>
#include <QMap>
#include <QWidget>

class QAction;
class QChart;
class QChartView;
class QLabel;
class QLineSeries;
class QTableView;
class QValueAxis;

namespace accel {
class HaMonitor;
} // namespace accel

namespace accel::ui {

class HaConnectDialog;

/// The Cluster panel's redundancy view (issue 8): coordinators (role, leader, epoch, health, last
/// seen), etcd members (raft term/index/applied index, leader, db size, state), a live chart of
/// each member's raftIndex (left axis) and dbSize (right axis, MiB) over the last minutes, and the
/// operator's actions: start/stop a local 3 etcd + 3 coordinator cluster, fault drill on it (kill /
/// restart the selected coordinator or etcd member, transfer leadership by clean resign, add /
/// remove an etcd member), connect to an existing setup, and show the leader's workers in the
/// panel. It owns its HaMonitor and LocalHaCluster; nothing blocks the GUI thread.
class HaView : public QWidget
{
    Q_OBJECT
public:
    enum class Action {
        StartLocal = 1,
        StopLocal,
        Connect,
        WatchLocal,
        KillCoordinator,
        RestartCoordinator,
        TransferLeadership,
        KillMember,
        RestartMember,
        AddMember,
        RemoveMember,
        ShowWorkers,
    };
    Q_ENUM(Action)

    /// `localOptions` configure the local cluster (tests shorten timeouts or pick binaries).
    explicit HaView(const LocalHaCluster::Options &localOptions = {}, QWidget *parent = nullptr);
    ~HaView() override;

    HaMonitor *monitor() const { return m_monitor; }
    LocalHaCluster *localCluster() const { return m_local; }
    QAction *action(Action a) const { return m_actions.value(a); }
    QTableView *coordinatorsTable() const { return m_coordinatorsTable; }
    QTableView *membersTable() const { return m_membersTable; }
    QChart *chart() const { return m_chart; }
    /// Points currently in the raftIndex series of a member (0 when it has none).
    int indexPointCount(quint64 memberId) const;
    QString statusText() const;
    QString summaryText() const;
    HaConnectDialog *connectDialog() const { return m_dialog; }

public Q_SLOTS:
    void showConnectDialog();
    /// Watches an existing setup (stops watching the local one; the local cluster keeps running).
    /// `prefix` is the coordinators' --etcd-prefix, used to force an election through etcd.
    void connectTo(const QStringList &etcdEndpoints, const QList<QUrl> &coordinators, const QByteArray &token,
                   const QByteArray &prefix = QByteArrayLiteral("/accel"));

Q_SIGNALS:
    /// The operator wants the workers of this cluster in the panel: connect to the leader.
    void showWorkersRequested(const QUrl &leaderUrl, const QByteArray &token);

private:
    void trigger(Action a);
    void onLocalFinished(LocalHaCluster::Action action, bool ok, const QString &message);
    void updateActions();
    void updateSummary();
    void addSample(quint64 memberId, qint64 tMs, qint64 raftIndex, qint64 dbSizeBytes);
    void rescaleChart();
    void clearChart();
    void setStatus(const QString &text, bool error);
    /// Local index of the selected coordinator / member row, -1 none or not local.
    int selectedLocalCoordinator() const;
    int selectedLocalMember() const;
    quint64 selectedMemberId() const;
    bool watchingLocal() const;

    HaMonitor *m_monitor;
    LocalHaCluster *m_local;
    QTableView *m_coordinatorsTable;
    QTableView *m_membersTable;
    QChart *m_chart;
    QChartView *m_chartView;
    QValueAxis *m_timeAxis;
    QValueAxis *m_indexAxis;
    QValueAxis *m_sizeAxis;
    QLabel *m_summary;
    QLabel *m_status;
    HaConnectDialog *m_dialog = nullptr;
    QMap<Action, QAction *> m_actions;
    QHash<quint64, QLineSeries *> m_indexSeries;
    QHash<quint64, QLineSeries *> m_sizeSeries;
    qint64 m_chartStartMs = -1;
    QByteArray m_prefix = QByteArrayLiteral("/accel"); ///< election key prefix of a connected setup
    bool m_watchingLocal = false; ///< the monitor watches m_local (not a connected setup)
};

} // namespace accel::ui
