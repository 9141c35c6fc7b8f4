#pragma once

#include <QPointer>
#include <QWidget>

namespace accel {
class BreakerTimelineModel;
class Clock;
} // namespace accel

namespace accel::ui {

/// Circuit-state timeline: one horizontal band per host over the last windowMs, each segment
/// coloured by its breaker state (legend at the top); hovering a segment shows its state, times
/// and transition reason. A pure view of BreakerTimelineModel: model signals only schedule a
/// repaint (coalesced by Qt), and the model is fed at the pool's throttled rate.
class CircuitTimelineWidget : public QWidget
{
    Q_OBJECT
public:
    /// `model` and `clock` are not owned; both must outlive the widget (clock nullptr = system).
    explicit CircuitTimelineWidget(BreakerTimelineModel *model, const Clock *clock = nullptr,
                                   QWidget *parent = nullptr);

    qint64 windowMs() const { return m_windowMs; }
    void setWindowMs(qint64 windowMs);
    /// Hosts drawn, top to bottom.
    QStringList bandHosts() const;
    /// The model row of the segment under `pos` (widget coordinates), -1 if none.
    int segmentAt(const QPoint &pos) const;
    /// Tooltip text for a model row (also used for hover).
    QString segmentText(int row) const;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;
    bool event(QEvent *event) override;

private:
    QRect plotRect() const;
    QRect bandRect(int band, int bandCount) const;
    qint64 nowMs() const;
    int xFor(qint64 timeMs, qint64 nowMs, const QRect &plot) const;

    QPointer<BreakerTimelineModel> m_model;
    const Clock *m_clock;
    qint64 m_windowMs = 600'000;
};

} // namespace accel::ui
