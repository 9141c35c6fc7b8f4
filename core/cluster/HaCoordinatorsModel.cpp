#include "cluster/HaCoordinatorsModel.h"

#include "common/Clock.h"

namespace accel {

HaCoordinatorStatus::Role HaCoordinatorStatus::roleFromString(const QString &role)
{
    if (role == QLatin1String("leader")) {
        return Role::Leader;
    }
    if (role == QLatin1String("follower")) {
        return Role::Follower;
    }
    if (role == QLatin1String("candidate")) {
        return Role::Candidate;
    }
    if (role == QLatin1String("stopping")) {
        return Role::Stopping;
    }
    return Role::Unknown;
}

HaCoordinatorsModel::HaCoordinatorsModel(const Clock *clock, QObject *parent)
    : QAbstractTableModel(parent)
    , m_clock(clock ? clock : Clock::system())
    , m_headers{QStringLiteral("Coordinator"), QStringLiteral("Role"), QStringLiteral("Epoch"),
                QStringLiteral("Health"), QStringLiteral("Last seen")}
{}

void HaCoordinatorsModel::setHeaderLabels(const QStringList &labels)
{
    if (labels.size() != ColumnCount) {
        return;
    }
    m_headers = labels;
    Q_EMIT headerDataChanged(Qt::Horizontal, 0, ColumnCount - 1);
}

void HaCoordinatorsModel::setUrls(const QList<QUrl> &urls)
{
    beginResetModel();
    m_rows.clear();
    for (const QUrl &url : urls) {
        HaCoordinatorStatus s;
        s.url = url;
        m_rows << s;
    }
    endResetModel();
}

void HaCoordinatorsModel::updateStatus(int row, const HaCoordinatorStatus &status)
{
    if (row < 0 || row >= m_rows.size() || m_rows.at(row) == status) {
        return;
    }
    m_rows[row] = status;
    Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

void HaCoordinatorsModel::refreshAges()
{
    if (!m_rows.isEmpty()) {
        Q_EMIT dataChanged(index(0, LastSeenColumn), index(int(m_rows.size()) - 1, LastSeenColumn));
    }
}

namespace {
/// "http://h:1/" and "http://h:1" are the same coordinator.
QString normalized(const QUrl &url)
{
    QUrl n = url.adjusted(QUrl::StripTrailingSlash | QUrl::NormalizePathSegments);
    if (n.path() == QLatin1String("/")) {
        n.setPath(QString());
    }
    return n.toString();
}
} // namespace

int HaCoordinatorsModel::rowOf(const QUrl &url) const
{
    const QString wanted = normalized(url);
    for (int i = 0; i < m_rows.size(); ++i) {
        if (normalized(m_rows.at(i).url) == wanted) {
            return i;
        }
    }
    return -1;
}

int HaCoordinatorsModel::leaderRow() const
{
    int found = -1;
    for (int i = 0; i < m_rows.size(); ++i) {
        if (m_rows.at(i).role == HaCoordinatorStatus::Role::Leader) {
            if (found >= 0) {
                return -1;
            }
            found = i;
        }
    }
    return found;
}

int HaCoordinatorsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int HaCoordinatorsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant HaCoordinatorsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) {
        return {};
    }
    const HaCoordinatorStatus &s = m_rows.at(index.row());
    const qint64 ageMs = s.lastSeenMs < 0 ? -1 : qMax<qint64>(0, m_clock->nowMs() - s.lastSeenMs);
    switch (role) {
    case StatusRoleRole:
        return int(s.role);
    case IsLeaderRole:
        return s.role == HaCoordinatorStatus::Role::Leader;
    case OkRole:
        return s.ok;
    case UrlRole:
        return s.url;
    case LastSeenAgeMsRole:
        return ageMs;
    case Qt::ToolTipRole:
        if (index.column() == RoleColumn && !s.leader.isEmpty()) {
            return QStringLiteral("leader: %1").arg(s.leader);
        }
        if (index.column() == HealthColumn && !s.etcdEndpoint.isEmpty()) {
            return QStringLiteral("etcd %1, lease %2")
                .arg(s.etcdEndpoint, s.leaseValid ? QStringLiteral("valid") : QStringLiteral("not renewed"));
        }
        return {};
    case SortRole:
        switch (index.column()) {
        case EpochColumn:
            return s.epoch;
        case LastSeenColumn:
            return ageMs;
        case RoleColumn:
            return int(s.role);
        default:
            break;
        }
        [[fallthrough]];
    case Qt::DisplayRole:
        switch (index.column()) {
        case UrlColumn:
            return s.url.toString(QUrl::StripTrailingSlash);
        case RoleColumn:
            switch (s.role) {
            case HaCoordinatorStatus::Role::Leader:
                return QStringLiteral("leader");
            case HaCoordinatorStatus::Role::Follower:
                return QStringLiteral("follower");
            case HaCoordinatorStatus::Role::Candidate:
                return QStringLiteral("candidate");
            case HaCoordinatorStatus::Role::Stopping:
                return QStringLiteral("stopping");
            case HaCoordinatorStatus::Role::Unreachable:
                return QStringLiteral("down");
            case HaCoordinatorStatus::Role::Unknown:
                return QStringLiteral("?");
            }
            return {};
        case EpochColumn:
            return s.epoch > 0 ? QVariant(s.epoch) : QVariant();
        case HealthColumn:
            if (!s.error.isEmpty()) {
                return s.error;
            }
            if (s.role == HaCoordinatorStatus::Role::Unknown) {
                return {};
            }
            return s.reason.isEmpty() ? QString(s.ok ? QStringLiteral("ok") : QStringLiteral("not ok"))
                                      : QString((s.ok ? QStringLiteral("ok: ") : QString()) + s.reason);
        case LastSeenColumn:
            if (ageMs < 0) {
                return QStringLiteral("never");
            }
            return QStringLiteral("%1 s").arg(double(ageMs) / 1000.0, 0, 'f', 1);
        default:
            return {};
        }
    default:
        return {};
    }
}

QVariant HaCoordinatorsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation == Qt::Horizontal && role == Qt::DisplayRole && section >= 0 && section < ColumnCount) {
        return m_headers.at(section);
    }
    return QAbstractTableModel::headerData(section, orientation, role);
}

} // namespace accel
