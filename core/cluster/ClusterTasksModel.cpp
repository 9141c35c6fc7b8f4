#include "cluster/ClusterTasksModel.h"

#include "cluster/ClusterConnection.h"

namespace accel {

namespace {

constexpr char kResult[] = "_result";

QString lastFailure(const QJsonObject &result)
{
    if (result.isEmpty()) {
        return {};
    }
    const QString status = result.value(QStringLiteral("status")).toString();
    if (status != QLatin1String("passed")) {
        const QString message = result.value(QStringLiteral("message")).toString();
        return message.isEmpty() ? status : message;
    }
    // Passed, perhaps after failed attempts: the latest attempt that did not pass.
    const QJsonArray history = result.value(QStringLiteral("history")).toArray();
    for (qsizetype i = history.size() - 1; i >= 0; --i) {
        const QJsonObject a = history.at(i).toObject();
        const QString outcome = a.value(QStringLiteral("outcome")).toString();
        if (!outcome.isEmpty() && outcome != QLatin1String("passed")) {
            const QString reason = a.value(QStringLiteral("reason")).toString();
            return QStringLiteral("attempt %1: %2%3")
                .arg(a.value(QStringLiteral("attempt")).toInt())
                .arg(outcome, reason.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(reason));
        }
    }
    return {};
}

} // namespace

ClusterTasksModel::ClusterTasksModel(ClusterConnection *connection, QObject *parent)
    : ClusterTableModel(QStringLiteral("key"),
                        {QStringLiteral("Task"), QStringLiteral("State"), QStringLiteral("Worker"),
                         QStringLiteral("Attempts"), QStringLiteral("Duration"),
                         QStringLiteral("Last failure")},
                        parent)
    , m_connection(connection)
{
    if (connection) {
        connect(connection, &ClusterConnection::tasksReceived, this, &ClusterTasksModel::setTasks);
        connect(connection, &ClusterConnection::taskUpdated, this, &ClusterTasksModel::updateTask);
        connect(connection, &ClusterConnection::summaryReceived, this, &ClusterTasksModel::applySummary);
    }
}

void ClusterTasksModel::setSuite(const QString &suiteId)
{
    if (suiteId == m_suite) {
        return;
    }
    m_suite = suiteId;
    m_results.clear();
    clearRows();
    if (m_connection) {
        m_connection->setWatchedSuite(suiteId);
    }
}

void ClusterTasksModel::setTasks(const QString &suiteId, const QJsonArray &tasks)
{
    if (suiteId != m_suite || m_suite.isEmpty()) {
        return;
    }
    replaceAll(tasks);
}

void ClusterTasksModel::updateTask(const QJsonObject &task)
{
    if (m_suite.isEmpty() || task.value(QStringLiteral("suite")).toString() != m_suite) {
        return;
    }
    upsert(task);
}

void ClusterTasksModel::applySummary(const QString &suiteId, const QJsonObject &summary)
{
    if (suiteId != m_suite || m_suite.isEmpty()) {
        return;
    }
    for (const QJsonValue &v : summary.value(QStringLiteral("cases")).toArray()) {
        QJsonObject c = v.toObject();
        const QString key = m_suite + QLatin1Char('/') + c.value(QStringLiteral("id")).toString();
        // Outputs can be large and are fetched per task when looked at.
        c.remove(QStringLiteral("output"));
        c.remove(QStringLiteral("artifacts"));
        m_results.insert(key, c);
        const int row = rowOf(key);
        if (row >= 0) {
            QJsonObject o = rowObject(row);
            o.insert(QLatin1String(kResult), c);
            setRowObject(row, o);
        }
    }
}

QJsonObject ClusterTasksModel::merged(const QJsonObject &stored, const QJsonObject &incoming) const
{
    QJsonObject out = ClusterTableModel::merged(stored, incoming);
    if (!out.contains(QLatin1String(kResult))) {
        const auto it = m_results.constFind(incoming.value(QStringLiteral("key")).toString());
        if (it != m_results.cend()) {
            out.insert(QLatin1String(kResult), *it);
        }
    }
    return out;
}

QVariant ClusterTasksModel::cell(const QJsonObject &t, int column, int role) const
{
    const QJsonObject result = t.value(QLatin1String(kResult)).toObject();
    const int attempts = std::max(t.value(QStringLiteral("attempt")).toInt(),
                                  result.value(QStringLiteral("attempts")).toInt());
    const qint64 durationMs =
        result.isEmpty() ? -1 : qint64(result.value(QStringLiteral("durationSec")).toDouble() * 1000.0 + 0.5);
    switch (role) {
    case TaskKeyRole:
        return t.value(QStringLiteral("key")).toString();
    case StateRole:
        return t.value(QStringLiteral("state")).toString();
    case AttemptsRole:
        return attempts;
    case DurationMsRole:
        return durationMs;
    case FlakyRole:
        return result.value(QStringLiteral("flaky")).toBool();
    case SortRole:
        if (column == AttemptsColumn) {
            return attempts;
        }
        if (column == DurationColumn) {
            return durationMs;
        }
        return cell(t, column, Qt::DisplayRole);
    case Qt::DisplayRole:
        switch (column) {
        case TaskColumn: {
            const QString id = t.value(QStringLiteral("id")).toString();
            const QString name = t.value(QStringLiteral("name")).toString();
            return name.isEmpty() || name == id ? id : QStringLiteral("%1 (%2)").arg(name, id);
        }
        case StateColumn: {
            const QString state = t.value(QStringLiteral("state")).toString();
            return result.value(QStringLiteral("flaky")).toBool() ? state + QStringLiteral(" (flaky)")
                                                                  : state;
        }
        case WorkerColumn: {
            const QString w = t.value(QStringLiteral("worker")).toString();
            return w.isEmpty() ? result.value(QStringLiteral("worker")).toString() : w;
        }
        case AttemptsColumn:
            return attempts;
        case DurationColumn:
            return durationMs < 0 ? QString()
                                  : QStringLiteral("%1 s").arg(double(durationMs) / 1000.0, 0, 'f', 2);
        case FailureColumn:
            return lastFailure(result);
        default:
            return {};
        }
    case Qt::ToolTipRole:
        if (column == FailureColumn) {
            return lastFailure(result);
        }
        if (column == TaskColumn) {
            return t.value(QStringLiteral("key")).toString();
        }
        return {};
    case Qt::TextAlignmentRole:
        if (column == AttemptsColumn || column == DurationColumn) {
            return QVariant::fromValue(Qt::Alignment(Qt::AlignRight | Qt::AlignVCenter));
        }
        return {};
    default:
        return {};
    }
}

} // namespace accel
