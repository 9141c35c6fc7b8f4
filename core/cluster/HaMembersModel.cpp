#include "cluster/HaMembersModel.h"

#include <QSet>

namespace accel {

HaMembersModel::HaMembersModel(QObject *parent)
    : QAbstractTableModel(parent)
    , m_headers{QStringLiteral("Member"),  QStringLiteral("Id"),      QStringLiteral("Client URL"),
                QStringLiteral("Leader"),  QStringLiteral("Term"),    QStringLiteral("Index"),
                QStringLiteral("Applied"), QStringLiteral("DB size"), QStringLiteral("State")}
{}

void HaMembersModel::setHeaderLabels(const QStringList &labels)
{
    if (labels.size() != ColumnCount) {
        return;
    }
    m_headers = labels;
    Q_EMIT headerDataChanged(Qt::Horizontal, 0, ColumnCount - 1);
}

QString HaMembersModel::keyOf(const HaMemberStatus &m)
{
    return m.id != 0 ? QString::number(m.id, 16) : QStringLiteral("url:") + m.clientUrl;
}

int HaMembersModel::rowOfId(quint64 id) const
{
    for (int i = 0; i < m_rows.size(); ++i) {
        if (m_rows.at(i).id == id) {
            return i;
        }
    }
    return -1;
}

void HaMembersModel::setMembers(const QList<HaMemberStatus> &members)
{
    QSet<QString> incoming;
    for (const HaMemberStatus &m : members) {
        incoming.insert(keyOf(m));
    }
    // Members that left, last row first so the indexes stay valid.
    for (int i = int(m_rows.size()) - 1; i >= 0; --i) {
        if (!incoming.contains(keyOf(m_rows.at(i)))) {
            beginRemoveRows({}, i, i);
            m_rows.removeAt(i);
            endRemoveRows();
        }
    }
    for (const HaMemberStatus &m : members) {
        const QString key = keyOf(m);
        int row = -1;
        for (int i = 0; i < m_rows.size(); ++i) {
            if (keyOf(m_rows.at(i)) == key) {
                row = i;
                break;
            }
        }
        if (row < 0) {
            const int at = int(m_rows.size());
            beginInsertRows({}, at, at);
            m_rows << m;
            endInsertRows();
        } else if (!(m_rows.at(row) == m)) {
            m_rows[row] = m;
            Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
        }
    }
}

int HaMembersModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int HaMembersModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString HaMembersModel::formatBytes(qint64 bytes)
{
    if (bytes < 1024) {
        return QStringLiteral("%1 B").arg(bytes);
    }
    if (bytes < 1024 * 1024) {
        return QStringLiteral("%1 KiB").arg(double(bytes) / 1024.0, 0, 'f', 1);
    }
    return QStringLiteral("%1 MiB").arg(double(bytes) / (1024.0 * 1024.0), 0, 'f', 1);
}

QVariant HaMembersModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) {
        return {};
    }
    const HaMemberStatus &m = m_rows.at(index.row());
    switch (role) {
    case MemberIdRole:
        return m.id;
    case ReachableRole:
        return m.reachable;
    case IsLeaderRole:
        return m.isLeader;
    case ClientUrlRole:
        return m.clientUrl;
    case Qt::ToolTipRole:
        if (index.column() == StateColumn && !m.error.isEmpty()) {
            return m.error;
        }
        if (index.column() == NameColumn) {
            return QStringLiteral("peers: %1").arg(m.peerUrls.join(QLatin1String(", ")));
        }
        return {};
    case SortRole:
        switch (index.column()) {
        case TermColumn:
            return m.raftTerm;
        case IndexColumn:
            return m.raftIndex;
        case AppliedColumn:
            return m.raftAppliedIndex;
        case DbSizeColumn:
            return m.dbSizeBytes;
        case LeaderColumn:
            return m.isLeader;
        default:
            break;
        }
        [[fallthrough]];
    case Qt::DisplayRole: {
        const bool known = m.lastSeenMs >= 0;
        switch (index.column()) {
        case NameColumn:
            return m.name.isEmpty() ? QStringLiteral("(not started)") : m.name;
        case IdColumn:
            return m.id != 0 ? QString::number(m.id, 16) : QString();
        case ClientUrlColumn:
            return m.clientUrl;
        case LeaderColumn:
            return m.isLeader ? QStringLiteral("leader") : QString();
        case TermColumn:
            return known ? QVariant(m.raftTerm) : QVariant();
        case IndexColumn:
            return known ? QVariant(m.raftIndex) : QVariant();
        case AppliedColumn:
            return known ? QVariant(m.raftAppliedIndex) : QVariant();
        case DbSizeColumn:
            return known ? QVariant(formatBytes(m.dbSizeBytes)) : QVariant();
        case StateColumn:
            if (m.reachable) {
                return m.isLearner ? QStringLiteral("learner") : QStringLiteral("up");
            }
            return m.error.isEmpty() ? QStringLiteral("down") : QStringLiteral("down: ") + m.error;
        default:
            return {};
        }
    }
    default:
        return {};
    }
}

QVariant HaMembersModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation == Qt::Horizontal && role == Qt::DisplayRole && section >= 0 && section < ColumnCount) {
        return m_headers.at(section);
    }
    return QAbstractTableModel::headerData(section, orientation, role);
}

} // namespace accel
