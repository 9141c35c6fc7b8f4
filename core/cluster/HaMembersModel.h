#pragma once

#include <QAbstractTableModel>
#include <QList>
#include <QString>
#include <QStringList>

namespace accel {

/// One etcd member as the HaMonitor sees it: identity from /v3/cluster/member/list, raft state
/// from /v3/maintenance/status asked of the member itself (no failover).
struct HaMemberStatus
{
    quint64 id = 0;
    QString name; ///< empty for a member added but not started yet
    QString clientUrl;
    QStringList peerUrls;
    bool isLearner = false;
    bool reachable = false;
    QString error;         ///< why it is not reachable (or its status "errors")
    bool isLeader = false; ///< the raft leader according to the members that answered
    quint64 leaderId = 0;  ///< the leader this member reports, 0 none
    qint64 raftTerm = 0;
    qint64 raftIndex = 0;
    qint64 raftAppliedIndex = 0;
    qint64 dbSizeBytes = 0;
    QString version;
    qint64 lastSeenMs = -1; ///< Clock ms of the last status answer, -1 never

    bool operator==(const HaMemberStatus &) const = default;
};

/// Table of the etcd members. Rows are keyed by member id (or client URL while the id is unknown):
/// setMembers() inserts/removes rows for members that joined or left and emits dataChanged for
/// changed rows only. Thread: the owner's.
class HaMembersModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        NameColumn = 0,
        IdColumn,
        ClientUrlColumn,
        LeaderColumn,
        TermColumn,
        IndexColumn,
        AppliedColumn,
        DbSizeColumn,
        StateColumn,
        ColumnCount
    };
    Q_ENUM(Column)
    enum Role {
        MemberIdRole = Qt::UserRole + 1, ///< quint64
        ReachableRole,                   ///< bool
        IsLeaderRole,                    ///< bool
        ClientUrlRole,                   ///< QString
        SortRole,                        ///< numeric where the column has a number
    };

    explicit HaMembersModel(QObject *parent = nullptr);

    void setHeaderLabels(const QStringList &labels);
    void setMembers(const QList<HaMemberStatus> &members);
    QList<HaMemberStatus> members() const { return m_rows; }
    const HaMemberStatus &member(int row) const { return m_rows.at(row); }
    int rowOfId(quint64 id) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    /// "18 MiB"-style text for byte counts (also used by the chart axis).
    static QString formatBytes(qint64 bytes);

private:
    static QString keyOf(const HaMemberStatus &m);

    QList<HaMemberStatus> m_rows;
    QStringList m_headers;
};

} // namespace accel
