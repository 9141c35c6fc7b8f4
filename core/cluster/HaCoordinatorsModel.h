#pragma once

#include <QAbstractTableModel>
#include <QList>
#include <QString>
#include <QStringList>
#include <QUrl>

namespace accel {

class Clock;

/// What one redundant coordinator (`accelerate-node --role coordinator --store etcd`) said about
/// itself on `GET /api/v1/health` (fields of CoordinatorNode::info()), or why it did not answer.
struct HaCoordinatorStatus
{
    /// No valid zero value: a default status is Unknown (never asked yet).
    enum class Role { Unknown = 1, Leader, Follower, Candidate, Stopping, Unreachable };

    QUrl url;
    Role role = Role::Unknown;
    bool ok = false;      ///< the node's own verdict ("ok" in its health answer)
    QString leader;       ///< the leader it points to (empty: none known)
    qint64 epoch = 0;     ///< leader epoch (create revision of the election key), 0 unknown
    QString reason;       ///< the node's explanation when it is not a healthy leader/follower
    QString error;        ///< transport/HTTP/parse error of the last poll (Role::Unreachable)
    QString etcdEndpoint; ///< the etcd member it talks to
    bool leaseValid = false;
    qint64 lastSeenMs = -1; ///< Clock ms of the last answer, -1 never

    static Role roleFromString(const QString &role);
    bool operator==(const HaCoordinatorStatus &) const = default;
};

/// Table of the coordinators an HaMonitor polls: one row per configured URL (rows only change
/// with setUrls()); updates emit dataChanged for the changed row only. Thread: the owner's.
class HaCoordinatorsModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { UrlColumn = 0, RoleColumn, EpochColumn, HealthColumn, LastSeenColumn, ColumnCount };
    Q_ENUM(Column)
    enum Role {
        StatusRoleRole = Qt::UserRole + 1, ///< int(HaCoordinatorStatus::Role)
        IsLeaderRole,                      ///< bool
        OkRole,                            ///< bool
        UrlRole,                           ///< QUrl
        LastSeenAgeMsRole,                 ///< qint64, -1 never seen
        SortRole,                          ///< numeric where the column has a number
    };

    /// `clock` (not owned, may be null: system clock) turns lastSeenMs into ages.
    explicit HaCoordinatorsModel(const Clock *clock = nullptr, QObject *parent = nullptr);

    /// Header texts, one per column (the ui passes translated ones); English by default.
    void setHeaderLabels(const QStringList &labels);

    void setUrls(const QList<QUrl> &urls);
    void updateStatus(int row, const HaCoordinatorStatus &status);
    /// Re-reads the age column (called once per poll round).
    void refreshAges();

    const HaCoordinatorStatus &status(int row) const { return m_rows.at(row); }
    int rowOf(const QUrl &url) const;
    /// Row of the one coordinator saying it leads, -1 for none or several.
    int leaderRow() const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    const Clock *m_clock;
    QList<HaCoordinatorStatus> m_rows;
    QStringList m_headers;
};

} // namespace accel
