#include "pool/PoolModel.h"

#include "common/Clock.h"
#include "pool/ResourcePool.h"

namespace accel {

PoolModel::PoolModel(const Clock *clock, QObject *parent)
    : QAbstractTableModel(parent)
    , m_clock(clock ? clock : Clock::system())
{}

PoolModel::PoolModel(ResourcePool *pool, QObject *parent)
    : PoolModel(pool ? pool->clock() : nullptr, parent)
{
    if (!pool) {
        return;
    }
    connect(pool, &ResourcePool::hostsUpdated, this,
            [this](const QList<PoolHostInfo> &changed) { upsert(changed); });
    connect(pool, &ResourcePool::hostRemoved, this,
            [this](const QString &hostId, const QString &) { remove(hostId); });
    resetHosts(pool->hosts());
}

int PoolModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int PoolModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant PoolModel::display(const PoolHostInfo &h, int column) const
{
    switch (column) {
    case HostColumn:
        return h.id;
    case KindColumn:
        return hostKindName(h.kind);
    case BackendsColumn:
        return h.backends.join(QStringLiteral(", "));
    case StateColumn:
        return toString(h.state);
    case BreakerColumn:
        return toString(h.breaker);
    case HealthColumn:
        return QString::number(h.health, 'f', 0);
    case LatencyColumn:
        return h.latencyMs < 0 ? QStringLiteral("-") : QStringLiteral("%1 ms").arg(h.latencyMs);
    case HeartbeatColumn: {
        if (h.lastHeartbeatMs < 0) {
            return QStringLiteral("never");
        }
        const qint64 ageMs = std::max<qint64>(0, m_clock->nowMs() - h.lastHeartbeatMs);
        return QStringLiteral("%1 s ago").arg(double(ageMs) / 1000.0, 0, 'f', 1);
    }
    case WeightsColumn:
        return formatWeights(h.weightBytes, h.weightLimitBytes);
    default:
        return {};
    }
}

QVariant PoolModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) {
        return {};
    }
    const PoolHostInfo &h = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        return display(h, index.column());
    case Qt::ToolTipRole:
        if (index.column() == StateColumn && !h.lastError.isEmpty()) {
            return h.lastError;
        }
        if (index.column() == WeightsColumn && h.freeWeightBytes() >= 0) {
            return QStringLiteral("%1 of %2 bytes of weights held, %3 free")
                .arg(h.weightBytes)
                .arg(h.weightLimitBytes)
                .arg(h.freeWeightBytes());
        }
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() == HealthColumn || index.column() == LatencyColumn ||
            index.column() == WeightsColumn) {
            return QVariant::fromValue(Qt::Alignment(Qt::AlignRight | Qt::AlignVCenter));
        }
        return {};
    case HostIdRole:
        return h.id;
    case KindRole:
        return int(h.kind);
    case StateRole:
        return int(h.state);
    case BreakerStateRole:
        return int(h.breaker);
    case HealthRole:
        return h.health;
    case LatencyMsRole:
        return h.latencyMs;
    case LastHeartbeatMsRole:
        return h.lastHeartbeatMs;
    case WeightBytesRole:
        return h.weightBytes;
    case WeightLimitBytesRole:
        return h.weightLimitBytes;
    case SortRole:
        switch (index.column()) {
        case StateColumn:
            return int(h.state);
        case BreakerColumn:
            return int(h.breaker);
        case HealthColumn:
            return h.health;
        case LatencyColumn:
            return h.latencyMs;
        case HeartbeatColumn:
            return h.lastHeartbeatMs;
        case WeightsColumn:
            return h.weightBytes;
        default:
            return display(h, index.column());
        }
    default:
        return {};
    }
}

QVariant PoolModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) {
        return QAbstractTableModel::headerData(section, orientation, role);
    }
    // Core has no tr context of its own for models; ui views may override these with tr() text.
    switch (section) {
    case HostColumn:
        return QStringLiteral("Host");
    case KindColumn:
        return QStringLiteral("Kind");
    case BackendsColumn:
        return QStringLiteral("Backends");
    case StateColumn:
        return QStringLiteral("State");
    case BreakerColumn:
        return QStringLiteral("Breaker");
    case HealthColumn:
        return QStringLiteral("Health");
    case LatencyColumn:
        return QStringLiteral("Latency");
    case HeartbeatColumn:
        return QStringLiteral("Last heartbeat");
    case WeightsColumn:
        return QStringLiteral("Weights");
    default:
        return {};
    }
}

QString PoolModel::formatWeights(qint64 weightBytes, qint64 weightLimitBytes)
{
    if (weightBytes < 0 || weightLimitBytes < 0) {
        return QStringLiteral("-");
    }
    constexpr double kMiB = 1024.0 * 1024.0;
    // The limit is usually a whole number of MiB (2048, a configured cap): no decimals then.
    const double limitMiB = double(weightLimitBytes) / kMiB;
    const bool wholeLimit = weightLimitBytes % (1024 * 1024) == 0;
    return QStringLiteral("%1 / %2 MiB")
        .arg(double(weightBytes) / kMiB, 0, 'f', 1)
        .arg(limitMiB, 0, 'f', wholeLimit ? 0 : 1);
}

QHash<int, QByteArray> PoolModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractTableModel::roleNames();
    names.insert(HostIdRole, "hostId");
    names.insert(KindRole, "kind");
    names.insert(StateRole, "state");
    names.insert(BreakerStateRole, "breakerState");
    names.insert(HealthRole, "health");
    names.insert(LatencyMsRole, "latencyMs");
    names.insert(LastHeartbeatMsRole, "lastHeartbeatMs");
    names.insert(WeightBytesRole, "weightBytes");
    names.insert(WeightLimitBytesRole, "weightLimitBytes");
    return names;
}

void PoolModel::upsert(const PoolHostInfo &info)
{
    if (info.id.isEmpty()) {
        return;
    }
    const int row = rowOf(info.id);
    if (row < 0) {
        const int at = int(m_rows.size());
        beginInsertRows({}, at, at);
        m_rows.append(info);
        endInsertRows();
        emitCountsIfChanged();
        return;
    }
    const PoolHostInfo old = m_rows.at(row);
    if (old == info) {
        return;
    }
    m_rows[row] = info;
    // Narrowest span of changed columns in this row.
    int first = ColumnCount;
    int last = -1;
    auto mark = [&](bool changed, int column) {
        if (changed) {
            first = std::min(first, column);
            last = std::max(last, column);
        }
    };
    mark(old.kind != info.kind, KindColumn);
    mark(old.backends != info.backends || old.webGpu != info.webGpu || old.webNn != info.webNn,
         BackendsColumn);
    mark(old.state != info.state || old.lastError != info.lastError, StateColumn);
    mark(old.breaker != info.breaker, BreakerColumn);
    mark(old.health != info.health, HealthColumn);
    mark(old.latencyMs != info.latencyMs, LatencyColumn);
    mark(old.lastHeartbeatMs != info.lastHeartbeatMs, HeartbeatColumn);
    mark(old.weightBytes != info.weightBytes || old.weightLimitBytes != info.weightLimitBytes, WeightsColumn);
    if (last >= 0) {
        emit dataChanged(index(row, first), index(row, last));
    }
    if (old.state != info.state) {
        emitCountsIfChanged();
    }
}

void PoolModel::upsert(const QList<PoolHostInfo> &infos)
{
    for (const PoolHostInfo &info : infos) {
        upsert(info);
    }
}

void PoolModel::remove(const QString &hostId)
{
    const int row = rowOf(hostId);
    if (row < 0) {
        return;
    }
    beginRemoveRows({}, row, row);
    m_rows.removeAt(row);
    endRemoveRows();
    emitCountsIfChanged();
}

void PoolModel::resetHosts(const QList<PoolHostInfo> &infos)
{
    beginResetModel();
    m_rows.clear();
    for (const PoolHostInfo &info : infos) {
        if (!info.id.isEmpty() && rowOf(info.id) < 0) {
            m_rows.append(info);
        }
    }
    endResetModel();
    emitCountsIfChanged();
}

int PoolModel::rowOf(const QString &hostId) const
{
    for (int i = 0; i < m_rows.size(); ++i) {
        if (m_rows.at(i).id == hostId) {
            return i;
        }
    }
    return -1;
}

QString PoolModel::hostIdAt(int row) const
{
    return row >= 0 && row < m_rows.size() ? m_rows.at(row).id : QString();
}

int PoolModel::connectedCount() const
{
    int n = 0;
    for (const PoolHostInfo &h : m_rows) {
        if (h.state == PoolHostState::Ready || h.state == PoolHostState::Draining) {
            ++n;
        }
    }
    return n;
}

void PoolModel::emitCountsIfChanged()
{
    const int connected = connectedCount();
    const int total = int(m_rows.size());
    if (connected != m_lastConnected || total != m_lastTotal) {
        m_lastConnected = connected;
        m_lastTotal = total;
        emit countsChanged(connected, total);
    }
}

} // namespace accel
