#include "pool/CircuitTimelineWidget.h"

#include "common/Clock.h"
#include "pool/BreakerTimelineModel.h"
#include "pool/PoolColors.h"

#include <QHelpEvent>
#include <QPainter>
#include <QTimer>
#include <QToolTip>

namespace accel::ui {

namespace {
constexpr int kLabelWidth = 150;
constexpr int kLegendHeight = 22;
constexpr int kAxisHeight = 18;
constexpr int kBandHeight = 18;
constexpr int kBandGap = 4;
const BreakerState kLegendStates[] = {BreakerState::Closed, BreakerState::HalfOpen, BreakerState::Open,
                                      BreakerState::ForcedOpen};
} // namespace

CircuitTimelineWidget::CircuitTimelineWidget(BreakerTimelineModel *model, const Clock *clock, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
    , m_clock(clock ? clock : Clock::system())
{
    setMouseTracking(true);
    // Open-ended segments grow with time: repaint once a second even when the model is quiet.
    auto *clockTick = new QTimer(this);
    clockTick->setInterval(1000);
    connect(clockTick, &QTimer::timeout, this, [this]() {
        if (isVisible()) {
            update();
        }
    });
    clockTick->start();
    if (model) {
        m_windowMs = model->historyMs();
        auto repaint = [this]() {
            updateGeometry();
            update();
        };
        connect(model, &QAbstractItemModel::rowsInserted, this, repaint);
        connect(model, &QAbstractItemModel::rowsRemoved, this, repaint);
        connect(model, &QAbstractItemModel::dataChanged, this, repaint);
        connect(model, &QAbstractItemModel::modelReset, this, repaint);
    }
}

void CircuitTimelineWidget::setWindowMs(qint64 windowMs)
{
    m_windowMs = std::max<qint64>(1000, windowMs);
    update();
}

QStringList CircuitTimelineWidget::bandHosts() const
{
    return m_model ? m_model->hostIds() : QStringList();
}

QSize CircuitTimelineWidget::sizeHint() const
{
    const int bands = std::max<int>(1, int(bandHosts().size()));
    return {640, kLegendHeight + kAxisHeight + bands * (kBandHeight + kBandGap) + 8};
}

QSize CircuitTimelineWidget::minimumSizeHint() const
{
    // Every band stays visible: the splitter may not squeeze the timeline below its bands.
    return {320, sizeHint().height()};
}

qint64 CircuitTimelineWidget::nowMs() const
{
    return m_clock->nowMs();
}

QRect CircuitTimelineWidget::plotRect() const
{
    return rect().adjusted(kLabelWidth, kLegendHeight, -8, -kAxisHeight);
}

QRect CircuitTimelineWidget::bandRect(int band, int bandCount) const
{
    const QRect plot = plotRect();
    Q_UNUSED(bandCount);
    return {plot.left(), plot.top() + band * (kBandHeight + kBandGap), plot.width(), kBandHeight};
}

int CircuitTimelineWidget::xFor(qint64 timeMs, qint64 now, const QRect &plot) const
{
    const qint64 start = now - m_windowMs;
    const double f = double(std::clamp(timeMs, start, now) - start) / double(m_windowMs);
    return plot.left() + int(f * plot.width());
}

int CircuitTimelineWidget::segmentAt(const QPoint &pos) const
{
    if (!m_model) {
        return -1;
    }
    const QStringList hosts = bandHosts();
    const qint64 now = nowMs();
    const QRect plot = plotRect();
    for (int row = m_model->rowCount() - 1; row >= 0; --row) {
        const BreakerTimelineModel::Segment &s = m_model->segmentAt(row);
        const int band = int(hosts.indexOf(s.hostId));
        if (band < 0) {
            continue;
        }
        const QRect b = bandRect(band, int(hosts.size()));
        const int x0 = xFor(s.startMs, now, plot);
        const int x1 = xFor(s.endMs < 0 ? now : s.endMs, now, plot);
        if (QRect(QPoint(x0, b.top()), QPoint(std::max(x0, x1), b.bottom())).contains(pos)) {
            return row;
        }
    }
    return -1;
}

QString CircuitTimelineWidget::segmentText(int row) const
{
    if (!m_model || row < 0 || row >= m_model->rowCount()) {
        return {};
    }
    const BreakerTimelineModel::Segment &s = m_model->segmentAt(row);
    const qint64 now = nowMs();
    const qint64 durMs = (s.endMs < 0 ? now : s.endMs) - s.startMs;
    QString text = tr("%1: %2 for %3 s")
                       .arg(s.hostId, PoolColors::breakerLabel(s.state))
                       .arg(double(durMs) / 1000.0, 0, 'f', 1);
    if (s.endMs < 0) {
        text += tr(" (current)");
    }
    if (!s.reason.isEmpty()) {
        text += QLatin1Char('\n') + tr("Reason: %1").arg(s.reason);
    }
    return text;
}

bool CircuitTimelineWidget::event(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        auto *help = static_cast<QHelpEvent *>(event);
        const int row = segmentAt(help->pos());
        if (row >= 0) {
            QToolTip::showText(help->globalPos(), segmentText(row), this);
        } else {
            QToolTip::hideText();
            event->ignore();
        }
        return true;
    }
    return QWidget::event(event);
}

void CircuitTimelineWidget::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.fillRect(rect(), palette().base());
    const QFontMetrics fm = fontMetrics();

    // Legend.
    int x = 8;
    for (BreakerState st : kLegendStates) {
        const QRect sw(x, 6, 12, 12);
        p.fillRect(sw, PoolColors::breakerColor(st));
        p.setPen(palette().color(QPalette::Text));
        const QString label = PoolColors::breakerLabel(st);
        p.drawText(x + 16, 6 + fm.ascent(), label);
        x += 16 + fm.horizontalAdvance(label) + 14;
    }

    const QRect plot = plotRect();
    const qint64 now = nowMs();
    const QStringList hosts = bandHosts();
    if (hosts.isEmpty()) {
        p.setPen(palette().color(QPalette::PlaceholderText));
        p.drawText(plot, Qt::AlignCenter, tr("No hosts yet"));
        return;
    }
    for (int band = 0; band < hosts.size(); ++band) {
        const QRect b = bandRect(band, int(hosts.size()));
        p.setPen(palette().color(QPalette::Text));
        p.drawText(QRect(4, b.top(), kLabelWidth - 8, b.height()), Qt::AlignVCenter | Qt::AlignLeft,
                   fm.elidedText(hosts.at(band), Qt::ElideMiddle, kLabelWidth - 8));
        p.fillRect(b, palette().alternateBase());
    }
    if (m_model) {
        for (int row = 0; row < m_model->rowCount(); ++row) {
            const BreakerTimelineModel::Segment &s = m_model->segmentAt(row);
            const int band = int(hosts.indexOf(s.hostId));
            if (band < 0) {
                continue;
            }
            const QRect b = bandRect(band, int(hosts.size()));
            const int x0 = xFor(s.startMs, now, plot);
            const int x1 = xFor(s.endMs < 0 ? now : s.endMs, now, plot);
            p.fillRect(QRect(QPoint(x0, b.top()), QPoint(std::max(x0 + 1, x1), b.bottom())),
                       PoolColors::breakerColor(s.state));
        }
    }
    // Time axis: minutes back from now.
    p.setPen(palette().color(QPalette::Mid));
    const int axisY = plot.bottom() + 2;
    p.drawLine(plot.left(), axisY, plot.right(), axisY);
    const int ticks = 5;
    p.setPen(palette().color(QPalette::Text));
    for (int i = 0; i <= ticks; ++i) {
        const int tx = plot.left() + plot.width() * i / ticks;
        const double secondsBack = double(m_windowMs) / 1000.0 * double(ticks - i) / ticks;
        const QString label = i == ticks ? tr("now") : tr("-%1 s").arg(secondsBack, 0, 'f', 0);
        p.drawLine(tx, axisY, tx, axisY + 3);
        const int w = fm.horizontalAdvance(label);
        p.drawText(std::clamp(tx - w / 2, plot.left(), plot.right() - w), axisY + 3 + fm.ascent(), label);
    }
}

} // namespace accel::ui
