#include "cluster/ClusterWorkersModel.h"

#include "cluster/ClusterConnection.h"
#include "common/Clock.h"

#include <QTimer>

namespace accel {

namespace {

constexpr char kSeenAt[] = "_seenAtMs";

QString formatAge(qint64 ms)
{
    if (ms < 0) {
        return QStringLiteral("-");
    }
    if (ms < 10'000) {
        return QStringLiteral("%1 s").arg(double(ms) / 1000.0, 0, 'f', 1);
    }
    if (ms < 120'000) {
        return QStringLiteral("%1 s").arg(ms / 1000);
    }
    return QStringLiteral("%1 min").arg(ms / 60'000);
}

QString formatMemory(qint64 mb)
{
    if (mb <= 0) {
        return QStringLiteral("-");
    }
    if (mb < 1024) {
        return QStringLiteral("%1 MiB").arg(mb);
    }
    return QStringLiteral("%1 GiB").arg(double(mb) / 1024.0, 0, 'f', 1);
}

QStringList strings(const QJsonValue &v)
{
    QStringList out;
    for (const QJsonValue &e : v.toArray()) {
        out << e.toString();
    }
    return out;
}

} // namespace

ClusterWorkersModel::ClusterWorkersModel(ClusterConnection *connection, const Clock *clock, QObject *parent)
    : ClusterTableModel(QStringLiteral("id"),
                        {QStringLiteral("Worker"), QStringLiteral("State"), QStringLiteral("CPUs"),
                         QStringLiteral("Memory"), QStringLiteral("OS"), QStringLiteral("Browsers"),
                         QStringLiteral("Labels"), QStringLiteral("Tasks"), QStringLiteral("Heartbeat")},
                        parent)
    , m_clock(clock ? clock : Clock::system())
    , m_ticker(new QTimer(this))
{
    m_ticker->setInterval(1000);
    connect(m_ticker, &QTimer::timeout, this, &ClusterWorkersModel::tick);
    if (connection) {
        connect(connection, &ClusterConnection::workersReceived, this, &ClusterWorkersModel::setWorkers);
        connect(connection, &ClusterConnection::workerUpdated, this, &ClusterWorkersModel::updateWorker);
    }
}

void ClusterWorkersModel::setWorkers(const QJsonArray &workers)
{
    replaceAll(workers);
    if (rowCount() > 0) {
        m_ticker->start();
    } else {
        m_ticker->stop();
    }
}

void ClusterWorkersModel::updateWorker(const QJsonObject &worker)
{
    if (upsert(worker) >= 0) {
        m_ticker->start();
    }
}

qint64 ClusterWorkersModel::heartbeatAgeMs(int row) const
{
    return row >= 0 && row < rowCount() ? ageOf(rowObject(row)) : -1;
}

ClusterWorkersModel::WorkerState ClusterWorkersModel::stateOf(const QJsonObject &w)
{
    const QString s = w.value(QStringLiteral("state")).toString();
    if (s == QLatin1String("dead")) {
        return WorkerState::Dead;
    }
    if (w.value(QStringLiteral("quarantined")).toBool()) {
        return WorkerState::Quarantined;
    }
    if (s == QLatin1String("suspect")) {
        return WorkerState::Suspect;
    }
    if (w.value(QStringLiteral("draining")).toBool()) {
        return w.value(QStringLiteral("tasks")).toArray().isEmpty() ? WorkerState::Drained
                                                                    : WorkerState::Draining;
    }
    if (!w.value(QStringLiteral("connected")).toBool()) {
        return WorkerState::Disconnected;
    }
    return WorkerState::Alive;
}

qint64 ClusterWorkersModel::ageOf(const QJsonObject &row) const
{
    const qint64 reported = row.value(QStringLiteral("heartbeatAgeMs")).toInteger(-1);
    if (reported < 0) {
        return -1;
    }
    const qint64 seen = row.value(QLatin1String(kSeenAt)).toInteger(-1);
    return reported + (seen >= 0 ? std::max<qint64>(0, m_clock->nowMs() - seen) : 0);
}

QJsonObject ClusterWorkersModel::merged(const QJsonObject &stored, const QJsonObject &incoming) const
{
    QJsonObject out = ClusterTableModel::merged(stored, incoming);
    out.insert(QLatin1String(kSeenAt), m_clock->nowMs());
    return out;
}

QVariant ClusterWorkersModel::cell(const QJsonObject &w, int column, int role) const
{
    const QJsonObject caps = w.value(QStringLiteral("capabilities")).toObject();
    switch (role) {
    case WorkerIdRole:
        return w.value(QStringLiteral("id")).toString();
    case StateRole:
        return int(stateOf(w));
    case DrainingRole:
        return w.value(QStringLiteral("draining")).toBool();
    case QuarantinedRole:
        return w.value(QStringLiteral("quarantined")).toBool();
    case HeartbeatAgeMsRole:
        return ageOf(w);
    default:
        break;
    }
    QStringList browsers;
    for (const QJsonValue &b : caps.value(QStringLiteral("browsers")).toArray()) {
        const QJsonObject bo = b.toObject();
        const QStringList features = strings(bo.value(QStringLiteral("features")));
        const QString name = bo.value(QStringLiteral("name")).toString();
        const QString probe = bo.value(QStringLiteral("probe")).toString();
        if (probe == QLatin1String("failed")) {
            browsers << QStringLiteral("%1 (probe failed: %2)")
                            .arg(name, bo.value(QStringLiteral("probeError")).toString());
        } else if (probe == QLatin1String("pending")) {
            browsers << QStringLiteral("%1 (probing)").arg(name);
        } else {
            browsers << (features.isEmpty()
                             ? name
                             : QStringLiteral("%1 (%2)").arg(name, features.join(QStringLiteral(", "))));
        }
    }
    const QStringList tasks = strings(w.value(QStringLiteral("tasks")));
    if (role == SortRole) {
        switch (column) {
        case CpusColumn:
            return caps.value(QStringLiteral("cpus")).toInt();
        case MemoryColumn:
            return caps.value(QStringLiteral("memoryMb")).toInteger();
        case TasksColumn:
            return int(tasks.size());
        case HeartbeatColumn:
            return ageOf(w);
        case StateColumn:
            return int(stateOf(w));
        default:
            role = Qt::DisplayRole;
            break;
        }
    }
    if (role == Qt::DisplayRole) {
        switch (column) {
        case WorkerColumn:
            return w.value(QStringLiteral("id")).toString();
        case StateColumn: {
            QStringList parts{w.value(QStringLiteral("state")).toString()};
            if (!w.value(QStringLiteral("connected")).toBool() && parts.first() != QLatin1String("dead")) {
                parts << QStringLiteral("disconnected");
            }
            if (w.value(QStringLiteral("draining")).toBool()) {
                parts << (tasks.isEmpty() ? QStringLiteral("drained") : QStringLiteral("draining"));
            }
            if (w.value(QStringLiteral("quarantined")).toBool()) {
                parts << QStringLiteral("quarantined");
            }
            return parts.join(QStringLiteral(", "));
        }
        case CpusColumn:
            return caps.value(QStringLiteral("cpus")).toInt();
        case MemoryColumn:
            return formatMemory(caps.value(QStringLiteral("memoryMb")).toInteger());
        case OsColumn: {
            const QString os = caps.value(QStringLiteral("os")).toString();
            const QString arch = caps.value(QStringLiteral("arch")).toString();
            return arch.isEmpty() ? os : QStringLiteral("%1 %2").arg(os, arch);
        }
        case BrowsersColumn:
            return browsers.isEmpty() ? QStringLiteral("-") : browsers.join(QStringLiteral("; "));
        case LabelsColumn:
            return strings(caps.value(QStringLiteral("labels"))).join(QStringLiteral(", "));
        case TasksColumn:
            return tasks.isEmpty() ? QStringLiteral("-") : tasks.join(QStringLiteral(", "));
        case HeartbeatColumn:
            return formatAge(ageOf(w));
        default:
            return {};
        }
    }
    if (role == Qt::ToolTipRole) {
        switch (column) {
        case WorkerColumn:
            return QStringLiteral("%1 (%2), first seen %3")
                .arg(w.value(QStringLiteral("id")).toString(), w.value(QStringLiteral("name")).toString(),
                     w.value(QStringLiteral("firstSeen")).toString());
        case StateColumn:
            return QStringLiteral("consecutive failures: %1")
                .arg(w.value(QStringLiteral("consecutiveFailures")).toInt());
        case CpusColumn:
        case MemoryColumn:
        case OsColumn:
        case BrowsersColumn:
        case LabelsColumn:
            return strings(w.value(QStringLiteral("capabilityStrings"))).join(QStringLiteral(", "));
        default:
            return {};
        }
    }
    if (role == Qt::TextAlignmentRole &&
        (column == CpusColumn || column == MemoryColumn || column == HeartbeatColumn)) {
        return QVariant::fromValue(Qt::Alignment(Qt::AlignRight | Qt::AlignVCenter));
    }
    return {};
}

void ClusterWorkersModel::tick()
{
    if (rowCount() == 0) {
        m_ticker->stop();
        return;
    }
    emit dataChanged(index(0, HeartbeatColumn), index(rowCount() - 1, HeartbeatColumn), {Qt::DisplayRole});
}

} // namespace accel
