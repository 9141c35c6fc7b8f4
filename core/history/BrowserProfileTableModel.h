#pragma once

#include "history/BrowserProfiles.h"

#include <QAbstractTableModel>

namespace accel {

/// BrowserProfiles rankings as a table: which browser/backend wins for each model family and
/// operation, how sure that is and why. GUI-thread object.
class BrowserProfileTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { ModelFamily = 0, Operation, Winner, RunnerUp, Confidence, Used, Reason, ColumnCount };

    explicit BrowserProfileTableModel(QObject *parent = nullptr);
    void setRankings(const QList<BrowserProfiles::Ranking> &rankings);

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    int columnCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QList<BrowserProfiles::Ranking> m_rankings;
};

} // namespace accel
