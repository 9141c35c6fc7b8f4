#include "history/ChangePointTableModel.h"

#include <QDateTime>
#include <QTimeZone>

#include <cmath>

namespace accel {

ChangePointTableModel::ChangePointTableModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

void ChangePointTableModel::setAnalysis(const Series &series, const SeriesAnalysis::Report &report)
{
    beginResetModel();
    m_changes = report.changePoints.changes;
    m_direction = report.direction;
    m_times.clear();
    for (const ChangePoint &c : m_changes) {
        m_times.push_back(series.hasTimestamps() && c.index >= 0 &&
                                  size_t(c.index) < series.timestampsMs.size()
                              ? series.timestampsMs[size_t(c.index)]
                              : -1);
    }
    endResetModel();
}

int ChangePointTableModel::regressionCount() const
{
    int n = 0;
    for (const ChangePoint &c : m_changes) {
        n += SeriesAnalysis::isRegression(m_direction, c.beforeMean, c.afterMean) ? 1 : 0;
    }
    return n;
}

int ChangePointTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_changes.size());
}

int ChangePointTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ChangePointTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) {
        return QVariant();
    }
    const ChangePoint &c = m_changes[size_t(index.row())];
    const bool regression = SeriesAnalysis::isRegression(m_direction, c.beforeMean, c.afterMean);
    if (role == Qt::UserRole) {
        return regression;
    }
    if (role != Qt::DisplayRole) {
        return QVariant();
    }
    switch (index.column()) {
    case Index:
        return c.index;
    case Time: {
        const qint64 t = m_times[size_t(index.row())];
        return t < 0 ? QVariant()
                     : QVariant(QDateTime::fromMSecsSinceEpoch(t, QTimeZone::utc()).toString(Qt::ISODate));
    }
    case Before:
        return QString::number(c.beforeMean, 'g', 6);
    case After:
        return QString::number(c.afterMean, 'g', 6);
    case Change:
        return std::isfinite(c.relativeChange)
                   ? QVariant(QString::number(c.relativeChange * 100.0, 'f', 1) + QLatin1Char('%'))
                   : QVariant();
    case Confidence:
        return QString::number(c.confidence, 'f', 4);
    case Verdict:
        return regression ? tr("regression") : tr("improvement");
    default:
        return QVariant();
    }
}

QVariant ChangePointTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) {
        return QAbstractTableModel::headerData(section, orientation, role);
    }
    switch (section) {
    case Index:
        return tr("Index");
    case Time:
        return tr("Time (UTC)");
    case Before:
        return tr("Mean before");
    case After:
        return tr("Mean after");
    case Change:
        return tr("Change");
    case Confidence:
        return tr("Confidence");
    case Verdict:
        return tr("Verdict");
    default:
        return QVariant();
    }
}

} // namespace accel
