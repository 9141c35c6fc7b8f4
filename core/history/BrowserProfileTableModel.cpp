#include "history/BrowserProfileTableModel.h"

namespace accel {

BrowserProfileTableModel::BrowserProfileTableModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

void BrowserProfileTableModel::setRankings(const QList<BrowserProfiles::Ranking> &rankings)
{
    beginResetModel();
    m_rankings = rankings;
    endResetModel();
}

int BrowserProfileTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rankings.size());
}

int BrowserProfileTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant BrowserProfileTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid) ||
        role != Qt::DisplayRole) {
        return QVariant();
    }
    const BrowserProfiles::Ranking &r = m_rankings[index.row()];
    auto name = [&r](size_t i) {
        return i < r.candidates.size()
                   ? QVariant(r.candidates[i].browser + QLatin1Char('/') + r.candidates[i].backend)
                   : QVariant();
    };
    switch (index.column()) {
    case ModelFamily:
        return r.modelFamily;
    case Operation:
        return r.operation;
    case Winner:
        return name(0);
    case RunnerUp:
        return name(1);
    case Confidence:
        return QString::number(r.confidence, 'f', 3);
    case Used:
        return r.confident ? tr("yes") : tr("no, defaults");
    case Reason:
        return r.reason;
    default:
        return QVariant();
    }
}

QVariant BrowserProfileTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) {
        return QAbstractTableModel::headerData(section, orientation, role);
    }
    switch (section) {
    case ModelFamily:
        return tr("Model family");
    case Operation:
        return tr("Operation");
    case Winner:
        return tr("Best");
    case RunnerUp:
        return tr("Runner-up");
    case Confidence:
        return tr("Confidence");
    case Used:
        return tr("Used by host selection");
    case Reason:
        return tr("Why");
    default:
        return QVariant();
    }
}

} // namespace accel
