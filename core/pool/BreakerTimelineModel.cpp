#include "pool/BreakerTimelineModel.h"

#include "common/Clock.h"
#include "pool/ResourcePool.h"

#include <QSet>

namespace accel {

BreakerTimelineModel::BreakerTimelineModel(qint64 historyMs, QObject *parent)
    : QAbstractTableModel(parent)
    , m_historyMs(std::max<qint64>(1, historyMs))
{}

BreakerTimelineModel::BreakerTimelineModel(ResourcePool *pool, QObject *parent)
    : BreakerTimelineModel(pool ? pool->config().historyMs : 600'000, parent)
{
    if (!pool) {
        return;
    }
    const Clock *clock = pool->clock();
    connect(pool, &ResourcePool::hostAdded, this, [this, clock](const PoolHostInfo &info) {
        hostAppeared(info.id, info.breaker, clock->nowMs(), QStringLiteral("host added"));
    });
    connect(pool, &ResourcePool::breakerTransitions, this,
            [this, clock](const QList<PoolBreakerTransition> &list) {
                for (const PoolBreakerTransition &t : list) {
                    applyTransition(t);
                }
                trim(clock->nowMs());
            });
    connect(pool, &ResourcePool::hostRemoved, this,
            [this, clock](const QString &hostId, const QString &reason) {
                hostGone(hostId, clock->nowMs(), reason);
            });
    for (const PoolHostInfo &info : pool->hosts()) {
        hostAppeared(info.id, info.breaker, clock->nowMs(), QStringLiteral("in pool"));
    }
}

int BreakerTimelineModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int BreakerTimelineModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant BreakerTimelineModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) {
        return {};
    }
    const Segment &s = m_rows.at(std::size_t(index.row()));
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case HostColumn:
            return s.hostId;
        case StateColumn:
            return toString(s.state);
        case StartColumn:
            return QString::number(double(s.startMs) / 1000.0, 'f', 1);
        case EndColumn:
            return s.endMs < 0 ? QStringLiteral("-") : QString::number(double(s.endMs) / 1000.0, 'f', 1);
        case ReasonColumn:
            return s.reason;
        default:
            return {};
        }
    case Qt::ToolTipRole:
        return s.reason.isEmpty() ? QVariant() : QVariant(s.reason);
    case HostIdRole:
        return s.hostId;
    case BreakerStateRole:
        return int(s.state);
    case StartMsRole:
        return s.startMs;
    case EndMsRole:
        return s.endMs;
    case ReasonRole:
        return s.reason;
    default:
        return {};
    }
}

QVariant BreakerTimelineModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) {
        return QAbstractTableModel::headerData(section, orientation, role);
    }
    switch (section) {
    case HostColumn:
        return QStringLiteral("Host");
    case StateColumn:
        return QStringLiteral("State");
    case StartColumn:
        return QStringLiteral("Start (s, clock)");
    case EndColumn:
        return QStringLiteral("End (s, clock)");
    case ReasonColumn:
        return QStringLiteral("Reason");
    default:
        return {};
    }
}

int BreakerTimelineModel::openSegmentRow(const QString &hostId) const
{
    for (int i = int(m_rows.size()) - 1; i >= 0; --i) {
        const Segment &s = m_rows.at(std::size_t(i));
        if (s.hostId == hostId) {
            return s.endMs < 0 ? i : -1;
        }
    }
    return -1;
}

void BreakerTimelineModel::endSegment(int row, qint64 endMs)
{
    Segment &s = m_rows.at(std::size_t(row));
    s.endMs = std::max(endMs, s.startMs);
    emit dataChanged(index(row, EndColumn), index(row, EndColumn));
}

void BreakerTimelineModel::append(const Segment &s)
{
    const int row = int(m_rows.size());
    beginInsertRows({}, row, row);
    m_rows.push_back(s);
    endInsertRows();
}

void BreakerTimelineModel::hostAppeared(const QString &hostId, BreakerState state, qint64 nowMs,
                                        const QString &reason)
{
    if (hostId.isEmpty() || openSegmentRow(hostId) >= 0) {
        return;
    }
    append({hostId, state, nowMs, -1, reason});
}

void BreakerTimelineModel::applyTransition(const PoolBreakerTransition &t)
{
    if (t.hostId.isEmpty()) {
        return;
    }
    const int open = openSegmentRow(t.hostId);
    if (t.from == t.to) {
        return; // not a state change (the pool's "removed" marker is handled by hostGone)
    }
    if (open >= 0) {
        if (m_rows.at(std::size_t(open)).state == t.to) {
            return;
        }
        endSegment(open, t.timeMs);
    }
    append({t.hostId, t.to, t.timeMs, -1, t.reason});
}

void BreakerTimelineModel::hostGone(const QString &hostId, qint64 nowMs, const QString &reason)
{
    const int open = openSegmentRow(hostId);
    if (open < 0) {
        return;
    }
    endSegment(open, nowMs);
    Segment &s = m_rows.at(std::size_t(open));
    if (!reason.isEmpty()) {
        s.reason = s.reason.isEmpty() ? reason : QStringLiteral("%1; ended: %2").arg(s.reason, reason);
        emit dataChanged(index(open, ReasonColumn), index(open, ReasonColumn));
    }
}

void BreakerTimelineModel::trim(qint64 nowMs)
{
    const qint64 cutoff = nowMs - m_historyMs;
    // Segments are in start order; drop a prefix of ended, expired ones.
    int n = 0;
    while (std::size_t(n) < m_rows.size()) {
        const Segment &s = m_rows.at(std::size_t(n));
        if (s.endMs >= 0 && s.endMs < cutoff) {
            ++n;
        } else {
            break;
        }
    }
    if (n == 0) {
        return;
    }
    beginRemoveRows({}, 0, n - 1);
    m_rows.erase(m_rows.begin(), m_rows.begin() + n);
    endRemoveRows();
}

QStringList BreakerTimelineModel::hostIds() const
{
    QStringList out;
    QSet<QString> seen;
    for (const Segment &s : m_rows) {
        if (!seen.contains(s.hostId)) {
            seen.insert(s.hostId);
            out.append(s.hostId);
        }
    }
    return out;
}

} // namespace accel
