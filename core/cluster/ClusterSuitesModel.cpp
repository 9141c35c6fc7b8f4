#include "cluster/ClusterSuitesModel.h"

#include "cluster/ClusterConnection.h"

#include <QDateTime>

namespace accel {

namespace {

constexpr char kFlaky[] = "_flaky";

int countOf(const QJsonObject &suite, const char *state)
{
    return suite.value(QStringLiteral("counts")).toObject().value(QLatin1String(state)).toInt();
}

} // namespace

ClusterSuitesModel::ClusterSuitesModel(ClusterConnection *connection, QObject *parent)
    : ClusterTableModel(QStringLiteral("id"),
                        {QStringLiteral("Suite"), QStringLiteral("State"), QStringLiteral("Progress"),
                         QStringLiteral("Passed"), QStringLiteral("Failed"), QStringLiteral("Flaky"),
                         QStringLiteral("Started")},
                        parent)
{
    if (connection) {
        connect(connection, &ClusterConnection::suitesReceived, this, &ClusterSuitesModel::setSuites);
        connect(connection, &ClusterConnection::suiteUpdated, this, &ClusterSuitesModel::updateSuite);
        connect(connection, &ClusterConnection::summaryReceived, this, &ClusterSuitesModel::applySummary);
    }
}

void ClusterSuitesModel::setSuites(const QJsonArray &suites)
{
    replaceAll(suites);
}

void ClusterSuitesModel::updateSuite(const QJsonObject &suite)
{
    upsert(suite);
}

void ClusterSuitesModel::applySummary(const QString &suiteId, const QJsonObject &summary)
{
    const int row = rowOf(suiteId);
    const QJsonValue flaky = summary.value(QStringLiteral("flaky"));
    if (row < 0 || !flaky.isDouble()) {
        return;
    }
    QJsonObject o = rowObject(row);
    o.insert(QLatin1String(kFlaky), flaky.toInt());
    setRowObject(row, o);
}

QVariant ClusterSuitesModel::cell(const QJsonObject &s, int column, int role) const
{
    const int total = s.value(QStringLiteral("total")).toInt();
    const int done = s.value(QStringLiteral("done")).toInt();
    const int passed = countOf(s, "passed");
    const int failed = countOf(s, "failed") + countOf(s, "error");
    const int flaky = s.contains(QLatin1String(kFlaky)) ? s.value(QLatin1String(kFlaky)).toInt() : -1;
    switch (role) {
    case SuiteIdRole:
        return s.value(QStringLiteral("id")).toString();
    case StateRole:
        return s.value(QStringLiteral("state")).toString();
    case ProgressRole:
        return total > 0 ? double(done) / double(total) : 0.0;
    case DoneRole:
        return done;
    case TotalRole:
        return total;
    case FlakyRole:
        return flaky;
    case SortRole:
        switch (column) {
        case ProgressColumn:
            return total > 0 ? double(done) / double(total) : 0.0;
        case PassedColumn:
            return passed;
        case FailedColumn:
            return failed;
        case FlakyColumn:
            return flaky;
        default:
            return cell(s, column, Qt::DisplayRole);
        }
    case Qt::DisplayRole:
        switch (column) {
        case SuiteColumn:
            return s.value(QStringLiteral("name")).toString();
        case StateColumn:
            return s.value(QStringLiteral("state")).toString();
        case ProgressColumn:
            return QStringLiteral("%1/%2").arg(done).arg(total);
        case PassedColumn:
            return passed;
        case FailedColumn:
            return failed;
        case FlakyColumn:
            return flaky < 0 ? QVariant(QStringLiteral("-")) : QVariant(flaky);
        case StartedColumn: {
            const QDateTime t =
                QDateTime::fromString(s.value(QStringLiteral("startedAt")).toString(), Qt::ISODateWithMs);
            return t.isValid() ? t.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")) : QString();
        }
        default:
            return {};
        }
    case Qt::ToolTipRole:
        if (column == SuiteColumn) {
            return s.value(QStringLiteral("id")).toString();
        }
        if (column == FailedColumn || column == ProgressColumn) {
            QStringList parts;
            const QJsonObject counts = s.value(QStringLiteral("counts")).toObject();
            for (auto it = counts.constBegin(); it != counts.constEnd(); ++it) {
                parts << QStringLiteral("%1: %2").arg(it.key()).arg(it.value().toInt());
            }
            return parts.join(QStringLiteral(", "));
        }
        return {};
    case Qt::TextAlignmentRole:
        if (column >= ProgressColumn && column <= FlakyColumn) {
            return QVariant::fromValue(Qt::Alignment(Qt::AlignRight | Qt::AlignVCenter));
        }
        return {};
    default:
        return {};
    }
}

} // namespace accel
