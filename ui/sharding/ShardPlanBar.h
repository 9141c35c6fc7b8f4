#pragma once

#include "sharding/ShardPlan.h"

#include <QColor>
#include <QHash>
#include <QList>
#include <QWidget>

namespace accel::ui {

/// A shard plan drawn as one horizontal bar over the model's layers: a segment per stage,
/// coloured per host, labelled with host, layer range, estimated and live ms; the bottleneck
/// stage is outlined. The boundaries between stages can be dragged (snapping to layers; each
/// stage keeps at least one layer): on release the bar emits boundaryDragged and leaves it to
/// the owner to re-plan and call setPlan. Right-click asks the owner for a stage menu.
class ShardPlanBar : public QWidget
{
    Q_OBJECT
public:
    explicit ShardPlanBar(QWidget *parent = nullptr);

    void setPlan(const ShardPlan &plan);
    const ShardPlan &plan() const { return m_plan; }
    void clear();
    /// Colours per host id (hosts without one are grey).
    void setHostColors(const QHash<QString, QColor> &colors);
    /// Live per-stage latencies in ms (index = stage); an empty list hides them.
    void setStageLatencies(const QList<double> &latenciesMs);
    const QList<double> &stageLatencies() const { return m_latenciesMs; }
    /// A stage to draw as invalid (hatched), -1 for none.
    void setInvalidStage(int stage);
    int invalidStage() const { return m_invalidStage; }

    /// Geometry, for tests and hit testing: x of the boundary before `layer` (0..layerCount).
    int xForLayer(int layer) const;
    /// Nearest layer boundary for an x position, clamped to 0..layerCount.
    int layerForX(int x) const;
    /// The stage whose segment contains pos, -1 if none.
    int stageAt(const QPoint &pos) const;
    /// The boundary (index b = between stage b and b + 1) within a few pixels of x, -1 if none.
    int boundaryNear(int x) const;
    QRect barRect() const;
    /// Tooltip text of a stage (translated).
    QString stageText(int stage) const;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

Q_SIGNALS:
    /// The user dragged boundary `boundary` (between stage b and b + 1) to `layer`.
    void boundaryDragged(int boundary, int layer);
    void stageContextMenuRequested(int stage, const QPoint &globalPos);

protected:
    void paintEvent(QPaintEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void contextMenuEvent(QContextMenuEvent *event) override;
    bool event(QEvent *event) override;

private:
    int clampDrag(int boundary, int layer) const;

    ShardPlan m_plan;
    QHash<QString, QColor> m_colors;
    QList<double> m_latenciesMs;
    int m_invalidStage = -1;
    int m_dragBoundary = -1; ///< boundary being dragged, -1 when idle
    int m_dragLayer = -1;    ///< where it would land
};

} // namespace accel::ui
