#pragma once

#include "model/ModelConfig.h"

#include <QAbstractTableModel>
#include <QStringList>

#include <optional>

namespace accel {

/// The parts of a model as a table: one "embeddings" row, one row per transformer block and one
/// "final" row (GPT-2's ln_f; empty for BERT, whose head is not part of the canonical weights).
/// Columns: part, tensors, parameters, float32 bytes. Sizes come from the canonical shapes of
/// ModelWeights, i.e. what a host holds after deployment, whatever dtype the file stores.
/// Thread: the owner's (GUI). Pure function of the config: no file access.
class ModelLayerModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { PartColumn = 0, TensorsColumn, ParametersColumn, BytesColumn, ColumnCount };
    Q_ENUM(Column)
    enum class RowKind { Embeddings = 1, Layer, Final };
    enum Role {
        SortRole = Qt::UserRole + 1, ///< numeric value of the column (row order for the part)
        RowKindRole,                 ///< int(RowKind)
        LayerIndexRole,              ///< block index, -1 for embeddings/final
        TensorNamesRole,             ///< QStringList of canonical names
    };

    struct Row
    {
        RowKind kind = RowKind::Layer;
        int layer = -1;
        QStringList tensors;
        qint64 parameters = 0;
        qint64 bytes() const { return parameters * 4; }
    };

    explicit ModelLayerModel(QObject *parent = nullptr);

    /// Replaces the rows with those of `config` (nullopt: no model, no rows).
    void setConfig(const std::optional<ModelConfig> &config);
    bool hasModel() const { return m_config.has_value(); }
    const Row &rowAt(int row) const { return m_rows.at(row); }
    qint64 totalParameters() const { return m_totalParameters; }
    qint64 totalBytes() const { return m_totalParameters * 4; }

    /// Rows a config yields (also used without a model instance).
    static QList<Row> rowsFor(const ModelConfig &config);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    std::optional<ModelConfig> m_config;
    QList<Row> m_rows;
    qint64 m_totalParameters = 0;
};

} // namespace accel
