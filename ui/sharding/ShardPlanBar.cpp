#include "sharding/ShardPlanBar.h"

#include <QContextMenuEvent>
#include <QHelpEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>

#include <algorithm>
#include <cmath>

namespace accel::ui {

namespace {
constexpr int kMargin = 8;
constexpr int kAxisHeight = 16;
constexpr int kGrabPx = 5;
} // namespace

ShardPlanBar::ShardPlanBar(QWidget *parent)
    : QWidget(parent)
{
    setMouseTracking(true);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
}

void ShardPlanBar::setPlan(const ShardPlan &plan)
{
    m_plan = plan;
    m_dragBoundary = -1;
    if (m_latenciesMs.size() != plan.stages.size()) {
        m_latenciesMs.clear();
    }
    update();
}

void ShardPlanBar::clear()
{
    setPlan(ShardPlan());
}

void ShardPlanBar::setHostColors(const QHash<QString, QColor> &colors)
{
    m_colors = colors;
    update();
}

void ShardPlanBar::setStageLatencies(const QList<double> &latenciesMs)
{
    m_latenciesMs = latenciesMs;
    update();
}

void ShardPlanBar::setInvalidStage(int stage)
{
    m_invalidStage = stage;
    update();
}

QSize ShardPlanBar::sizeHint() const
{
    return {640, 110};
}

QSize ShardPlanBar::minimumSizeHint() const
{
    return {240, 110};
}

QRect ShardPlanBar::barRect() const
{
    return QRect(kMargin, kMargin, std::max(1, width() - 2 * kMargin),
                 std::max(1, height() - 2 * kMargin - kAxisHeight));
}

int ShardPlanBar::xForLayer(int layer) const
{
    const QRect bar = barRect();
    const int layers = std::max(1, m_plan.layerCount);
    return bar.left() + int(std::lround(double(bar.width()) * std::clamp(layer, 0, layers) / layers));
}

int ShardPlanBar::layerForX(int x) const
{
    const QRect bar = barRect();
    const int layers = std::max(1, m_plan.layerCount);
    const double f = double(x - bar.left()) / std::max(1, bar.width());
    return std::clamp(int(std::lround(f * layers)), 0, layers);
}

int ShardPlanBar::stageAt(const QPoint &pos) const
{
    if (!barRect().contains(pos)) {
        return -1;
    }
    for (int i = 0; i < m_plan.stages.size(); ++i) {
        const ShardStage &s = m_plan.stages.at(i);
        if (pos.x() >= xForLayer(s.firstLayer) && pos.x() < xForLayer(s.lastLayer)) {
            return i;
        }
    }
    return -1;
}

int ShardPlanBar::boundaryNear(int x) const
{
    int best = -1;
    int bestDistance = kGrabPx + 1;
    for (int b = 0; b + 1 < m_plan.stages.size(); ++b) {
        const int d = std::abs(x - xForLayer(m_plan.stages.at(b).lastLayer));
        if (d < bestDistance) {
            bestDistance = d;
            best = b;
        }
    }
    return best;
}

int ShardPlanBar::clampDrag(int boundary, int layer) const
{
    const ShardStage &left = m_plan.stages.at(boundary);
    const ShardStage &right = m_plan.stages.at(boundary + 1);
    return std::clamp(layer, left.firstLayer + 1, right.lastLayer - 1);
}

QString ShardPlanBar::stageText(int stage) const
{
    if (stage < 0 || stage >= m_plan.stages.size()) {
        return {};
    }
    const ShardStage &s = m_plan.stages.at(stage);
    QString text = tr("Stage %1 on %2 (%3)\nLayers %4–%5 (%n layer(s))", nullptr, s.layerCount())
                       .arg(stage + 1)
                       .arg(s.hostId, hostKindName(s.hostKind))
                       .arg(s.firstLayer)
                       .arg(s.lastLayer - 1);
    text +=
        QLatin1Char('\n') + tr("Estimated %1 ms per request: %2 ms compute (%3 ms/layer%4) + %5 ms transfer")
                                .arg(m_plan.stageMs(stage), 0, 'f', 2)
                                .arg(s.computeMs(), 0, 'f', 2)
                                .arg(s.msPerLayer, 0, 'f', 2)
                                .arg(s.measured ? QString() : tr(", not measured"))
                                .arg(m_plan.transferMs(stage), 0, 'f', 2);
    text +=
        QLatin1Char('\n') + tr("Weights: %1 MiB").arg(double(s.memoryBytes) / (1024.0 * 1024.0), 0, 'f', 1);
    if (s.hostMemoryBytes > 0) {
        text += QLatin1Char(' ') +
                tr("of %1 MiB free").arg(double(s.hostMemoryBytes) / (1024.0 * 1024.0), 0, 'f', 1);
    }
    if (m_plan.embedsAt(stage)) {
        text += QLatin1Char('\n') + tr("Embeds the tokens");
    }
    if (m_plan.appliesFinalNormAt(stage)) {
        text += QLatin1Char('\n') + tr("Applies the final norm");
    }
    if (stage < m_latenciesMs.size()) {
        text += QLatin1Char('\n') + tr("Live: %1 ms").arg(m_latenciesMs.at(stage), 0, 'f', 2);
    }
    if (stage == m_plan.bottleneckStage()) {
        text += QLatin1Char('\n') + tr("Bottleneck of the pipeline");
    }
    return text;
}

void ShardPlanBar::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing, false);
    const QRect bar = barRect();
    p.fillRect(rect(), palette().base());
    if (m_plan.stages.isEmpty() || m_plan.layerCount < 1) {
        p.setPen(palette().color(QPalette::PlaceholderText));
        p.drawText(bar, Qt::AlignCenter, tr("No plan"));
        return;
    }
    const int bottleneck = m_plan.bottleneckStage();
    const QFontMetrics fm = fontMetrics();
    for (int i = 0; i < m_plan.stages.size(); ++i) {
        const ShardStage &s = m_plan.stages.at(i);
        const QRect seg(QPoint(xForLayer(s.firstLayer), bar.top()),
                        QPoint(xForLayer(s.lastLayer) - 1, bar.bottom()));
        const QColor base = m_colors.value(s.hostId, QColor(0x99, 0x99, 0x99));
        p.fillRect(seg, base.lighter(150));
        if (i == m_invalidStage) {
            p.fillRect(seg, QBrush(QColor(0xd5, 0x5e, 0x00), Qt::BDiagPattern));
        }
        p.setPen(QPen(base.darker(130), 1));
        p.drawRect(seg.adjusted(0, 0, -1, -1));
        QStringList lines{s.hostId, tr("L %1–%2").arg(s.firstLayer).arg(s.lastLayer - 1),
                          tr("%1 ms").arg(m_plan.stageMs(i), 0, 'f', 1)};
        if (i < m_latenciesMs.size()) {
            lines.append(tr("live %1 ms").arg(m_latenciesMs.at(i), 0, 'f', 1));
        }
        p.setPen(palette().color(QPalette::Text));
        const QRect textRect = seg.adjusted(3, 2, -3, -2);
        QString text;
        for (const QString &line : lines) {
            text += fm.elidedText(line, Qt::ElideRight, textRect.width()) + QLatin1Char('\n');
        }
        p.drawText(textRect, Qt::AlignLeft | Qt::AlignTop, text.trimmed());
    }
    if (bottleneck >= 0) {
        const ShardStage &s = m_plan.stages.at(bottleneck);
        const QRect seg(QPoint(xForLayer(s.firstLayer), bar.top()),
                        QPoint(xForLayer(s.lastLayer) - 1, bar.bottom()));
        p.setPen(QPen(QColor(0xd5, 0x5e, 0x00), 3));
        p.drawRect(seg.adjusted(1, 1, -2, -2));
    }
    // Boundaries (drag handles) and the layer axis.
    p.setPen(QPen(palette().color(QPalette::WindowText), 2));
    for (int b = 0; b + 1 < m_plan.stages.size(); ++b) {
        const int x = xForLayer(m_plan.stages.at(b).lastLayer);
        p.drawLine(x, bar.top() - 3, x, bar.bottom() + 3);
    }
    if (m_dragBoundary >= 0) {
        const int x = xForLayer(m_dragLayer);
        p.setPen(QPen(palette().color(QPalette::Highlight), 2, Qt::DashLine));
        p.drawLine(x, bar.top() - 3, x, bar.bottom() + 3);
    }
    p.setPen(palette().color(QPalette::WindowText));
    const int step =
        std::max(1, int(std::ceil(m_plan.layerCount * fm.horizontalAdvance(QStringLiteral("000")) /
                                  double(std::max(1, bar.width())))));
    for (int l = 0; l <= m_plan.layerCount; l += step) {
        const int x = xForLayer(l);
        p.drawLine(x, bar.bottom() + 1, x, bar.bottom() + 4);
        p.drawText(QRect(x - 20, bar.bottom() + 4, 40, kAxisHeight - 2), Qt::AlignHCenter | Qt::AlignTop,
                   QString::number(l));
    }
}

void ShardPlanBar::mousePressEvent(QMouseEvent *event)
{
    if (event->button() == Qt::LeftButton) {
        const int b = boundaryNear(event->position().toPoint().x());
        if (b >= 0) {
            m_dragBoundary = b;
            m_dragLayer = m_plan.stages.at(b).lastLayer;
            event->accept();
            update();
            return;
        }
    }
    QWidget::mousePressEvent(event);
}

void ShardPlanBar::mouseMoveEvent(QMouseEvent *event)
{
    const int x = event->position().toPoint().x();
    if (m_dragBoundary >= 0) {
        m_dragLayer = clampDrag(m_dragBoundary, layerForX(x));
        update();
        return;
    }
    setCursor(boundaryNear(x) >= 0 ? Qt::SplitHCursor : Qt::ArrowCursor);
    QWidget::mouseMoveEvent(event);
}

void ShardPlanBar::mouseReleaseEvent(QMouseEvent *event)
{
    if (m_dragBoundary >= 0 && event->button() == Qt::LeftButton) {
        const int boundary = m_dragBoundary;
        const int layer = clampDrag(boundary, layerForX(event->position().toPoint().x()));
        m_dragBoundary = -1;
        update();
        if (layer != m_plan.stages.at(boundary).lastLayer) {
            Q_EMIT boundaryDragged(boundary, layer);
        }
        return;
    }
    QWidget::mouseReleaseEvent(event);
}

void ShardPlanBar::contextMenuEvent(QContextMenuEvent *event)
{
    const int stage = stageAt(event->pos());
    if (stage >= 0) {
        Q_EMIT stageContextMenuRequested(stage, event->globalPos());
    }
}

bool ShardPlanBar::event(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        auto *help = static_cast<QHelpEvent *>(event);
        const int stage = stageAt(help->pos());
        if (stage >= 0) {
            QToolTip::showText(help->globalPos(), stageText(stage), this);
        } else {
            QToolTip::hideText();
            event->ignore();
        }
        return true;
    }
    return QWidget::event(event);
}

} // namespace accel::ui
