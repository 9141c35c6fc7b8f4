#include "pool/HealthHistoryModel.h"

#include "common/Clock.h"
#include "pool/ResourcePool.h"

namespace accel {

HealthHistoryModel::HealthHistoryModel(qint64 historyMs, qint64 sampleIntervalMs, QObject *parent)
    : QAbstractTableModel(parent)
    , m_historyMs(std::max<qint64>(1, historyMs))
    , m_sampleIntervalMs(std::max<qint64>(1, sampleIntervalMs))
{}

HealthHistoryModel::HealthHistoryModel(ResourcePool *pool, QObject *parent)
    : HealthHistoryModel(pool ? pool->config().historyMs : 600'000, 1'000, parent)
{
    if (!pool) {
        return;
    }
    const Clock *clock = pool->clock();
    connect(pool, &ResourcePool::hostsUpdated, this,
            [this, clock](const QList<PoolHostInfo> &changed) { record(changed, clock->nowMs()); });
    record(pool->hosts(), clock->nowMs());
}

int HealthHistoryModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int HealthHistoryModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant HealthHistoryModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) {
        return {};
    }
    const Sample &s = m_rows.at(std::size_t(index.row()));
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case TimeColumn:
            return QString::number(double(s.timeMs) / 1000.0, 'f', 1);
        case HostColumn:
            return s.hostId;
        case HealthColumn:
            return QString::number(s.health, 'f', 1);
        case BreakerColumn:
            return toString(s.breaker);
        default:
            return {};
        }
    case TimeMsRole:
        return s.timeMs;
    case HostIdRole:
        return s.hostId;
    case HealthRole:
        return s.health;
    case BreakerStateRole:
        return int(s.breaker);
    default:
        return {};
    }
}

QVariant HealthHistoryModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) {
        return QAbstractTableModel::headerData(section, orientation, role);
    }
    switch (section) {
    case TimeColumn:
        return QStringLiteral("Time (s, clock)");
    case HostColumn:
        return QStringLiteral("Host");
    case HealthColumn:
        return QStringLiteral("Health");
    case BreakerColumn:
        return QStringLiteral("Breaker");
    default:
        return {};
    }
}

void HealthHistoryModel::record(const QList<PoolHostInfo> &hosts, qint64 nowMs)
{
    if (!m_rows.empty() && nowMs < m_rows.back().timeMs) {
        nowMs = m_rows.back().timeMs; // keep rows ordered by time
    }
    QList<Sample> fresh;
    for (const PoolHostInfo &h : hosts) {
        if (h.id.isEmpty()) {
            continue;
        }
        const auto last = m_last.constFind(h.id);
        const bool due = last == m_last.cend() || last->health != h.health || last->breaker != h.breaker ||
                         nowMs - last->timeMs >= m_sampleIntervalMs;
        if (due) {
            fresh.append({nowMs, h.id, h.health, h.breaker});
        }
    }
    if (!fresh.isEmpty()) {
        const int first = int(m_rows.size());
        beginInsertRows({}, first, first + int(fresh.size()) - 1);
        for (const Sample &s : fresh) {
            m_rows.push_back(s);
            if (!m_last.contains(s.hostId)) {
                m_hostOrder.append(s.hostId);
            }
            m_last.insert(s.hostId, s);
        }
        endInsertRows();
    }
    trim(nowMs);
}

void HealthHistoryModel::trim(qint64 nowMs)
{
    const qint64 cutoff = nowMs - m_historyMs;
    int n = 0;
    while (std::size_t(n) < m_rows.size() && m_rows.at(std::size_t(n)).timeMs < cutoff) {
        ++n;
    }
    if (n == 0) {
        return;
    }
    beginRemoveRows({}, 0, n - 1);
    m_rows.erase(m_rows.begin(), m_rows.begin() + n);
    endRemoveRows();
    // Forget hosts that have no sample left.
    QSet<QString> present;
    for (const Sample &s : m_rows) {
        present.insert(s.hostId);
    }
    for (auto it = m_hostOrder.begin(); it != m_hostOrder.end();) {
        if (!present.contains(*it)) {
            m_last.remove(*it);
            it = m_hostOrder.erase(it);
        } else {
            ++it;
        }
    }
}

QStringList HealthHistoryModel::hostIds() const
{
    return m_hostOrder;
}

} // namespace accel
