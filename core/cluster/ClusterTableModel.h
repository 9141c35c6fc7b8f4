#pragma once

#include <QAbstractTableModel>
#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QStringList>

namespace accel {

/// Base of the cluster table models: one row per JSON object of the coordinator API, keyed by a
/// string field. Full lists are merged row by row (rows that left are removed, new ones appended,
/// changed ones report dataChanged over only the columns whose display or tooltip changed;
/// typed roles follow their column's display), so views keep
/// their selection and scroll position across refreshes.
///
/// Header labels are plain English; ui/ replaces them with tr() text via setHeaderLabels().
/// Thread: the owner's (GUI) thread.
class ClusterTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;

    /// Labels for the columns; ignored unless there is one per column.
    void setHeaderLabels(const QStringList &labels);

    int rowOf(const QString &key) const;
    /// Empty when the row does not exist.
    QString keyAt(int row) const;
    /// The row's JSON (with the model's own bookkeeping fields, which start with '_').
    QJsonObject rowObject(int row) const;

protected:
    ClusterTableModel(const QString &keyField, const QStringList &headers, QObject *parent);

    /// The cell's value for `role` (never called with an invalid row).
    virtual QVariant cell(const QJsonObject &row, int column, int role) const = 0;
    /// How a fresh object from the API replaces the stored one (keeps '_' fields by default).
    virtual QJsonObject merged(const QJsonObject &stored, const QJsonObject &incoming) const;

    /// Merges a full list (objects without the key field are ignored).
    void replaceAll(const QJsonArray &rows);
    /// Inserts or updates one row; returns its row number (-1 when it has no key).
    int upsert(const QJsonObject &row);
    /// Replaces a stored row as is (no merge) and reports changed columns.
    void setRowObject(int row, const QJsonObject &object);
    void clearRows();

private:
    void reportChanges(int row, const QJsonObject &before);

    QString m_keyField;
    QStringList m_headers;
    QList<QJsonObject> m_rows;
    QHash<QString, int> m_index; ///< key -> row
};

} // namespace accel
