#pragma once

#include "pool/PoolHostInfo.h"

#include <QAbstractTableModel>

#include <deque>

namespace accel {

class ResourcePool;

/// Circuit-state timeline: one row per (host, state) segment, in start order. A segment runs from
/// the transition that entered the state to the next one (endMs -1 while it lasts); its reason is
/// the transition's text. The dashboard paints a band per host from this model; a table shows it
/// as it is. Segments that ended more than historyMs before the newest time are dropped.
class BreakerTimelineModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { HostColumn = 0, StateColumn, StartColumn, EndColumn, ReasonColumn, ColumnCount };
    enum Role {
        HostIdRole = Qt::UserRole + 1, ///< QString
        BreakerStateRole,              ///< int(BreakerState)
        StartMsRole,                   ///< qint64 Clock ms
        EndMsRole,                     ///< qint64 Clock ms, -1 while open-ended
        ReasonRole,                    ///< QString
    };
    struct Segment
    {
        QString hostId;
        BreakerState state = BreakerState::Closed;
        qint64 startMs = 0;
        qint64 endMs = -1;
        QString reason;
    };

    explicit BreakerTimelineModel(qint64 historyMs = 600'000, QObject *parent = nullptr);
    /// Follows `pool` (not owned).
    explicit BreakerTimelineModel(ResourcePool *pool, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    /// Opens a band for a host (no-op if it has an open segment).
    void hostAppeared(const QString &hostId, BreakerState state, qint64 nowMs, const QString &reason);
    /// Ends the host's open segment and, when from != to, starts a new one in `to`.
    void applyTransition(const PoolBreakerTransition &t);
    /// Ends the host's open segment (the host left the pool).
    void hostGone(const QString &hostId, qint64 nowMs, const QString &reason);
    /// Drops segments that ended before nowMs - historyMs.
    void trim(qint64 nowMs);

    const Segment &segmentAt(int row) const { return m_rows.at(std::size_t(row)); }
    /// Hosts in order of first appearance that still have segments.
    QStringList hostIds() const;
    qint64 historyMs() const { return m_historyMs; }

private:
    int openSegmentRow(const QString &hostId) const;
    void endSegment(int row, qint64 endMs);
    void append(const Segment &s);

    qint64 m_historyMs;
    std::deque<Segment> m_rows;
};

} // namespace accel
