#pragma once

#include <QHash>
#include <QList>
#include <QString>

namespace accel {

class Clock;

/// Heartbeat failure detector. A worker whose last heartbeat is older than suspectAfterMs is
/// Suspect (no new work, its tasks stay put); older than deadAfterMs it is Dead (its tasks are
/// migrated). A heartbeat brings a Suspect worker back to Alive; a Dead one must re-register.
/// Pure logic on an injected Clock; the owner calls evaluate() periodically.
class FailureDetector
{
public:
    enum class State { Alive = 1, Suspect, Dead };
    struct Transition
    {
        QString id;
        State from;
        State to;
        qint64 silentMs; ///< time since the last heartbeat
    };

    FailureDetector(const Clock *clock, qint64 suspectAfterMs, qint64 deadAfterMs);

    /// Starts tracking (or revives) id as Alive now.
    void track(const QString &id);
    void heartbeat(const QString &id);
    void forget(const QString &id);
    bool isTracked(const QString &id) const { return m_workers.contains(id); }
    State state(const QString &id) const;
    qint64 heartbeatAgeMs(const QString &id) const;
    qint64 suspectAfterMs() const { return m_suspectAfterMs; }
    qint64 deadAfterMs() const { return m_deadAfterMs; }

    /// State changes since the last call, in id order.
    QList<Transition> evaluate();

    static QString stateName(State s);

private:
    struct Entry
    {
        qint64 lastMs = 0;
        State state = State::Alive;
    };
    const Clock *m_clock;
    qint64 m_suspectAfterMs;
    qint64 m_deadAfterMs;
    QHash<QString, Entry> m_workers;
};

} // namespace accel
