#include "cluster/FailureDetector.h"

#include "common/Clock.h"

#include <algorithm>

namespace accel {

FailureDetector::FailureDetector(const Clock *clock, qint64 suspectAfterMs, qint64 deadAfterMs)
    : m_clock(clock ? clock : Clock::system())
    , m_suspectAfterMs(suspectAfterMs)
    , m_deadAfterMs(std::max(deadAfterMs, suspectAfterMs))
{}

void FailureDetector::track(const QString &id)
{
    m_workers.insert(id, Entry{m_clock->nowMs(), State::Alive});
}

void FailureDetector::heartbeat(const QString &id)
{
    auto it = m_workers.find(id);
    if (it == m_workers.end() || it->state == State::Dead) {
        return; // a dead worker must register again
    }
    it->lastMs = m_clock->nowMs();
}

void FailureDetector::forget(const QString &id)
{
    m_workers.remove(id);
}

FailureDetector::State FailureDetector::state(const QString &id) const
{
    auto it = m_workers.constFind(id);
    return it == m_workers.cend() ? State::Dead : it->state;
}

qint64 FailureDetector::heartbeatAgeMs(const QString &id) const
{
    auto it = m_workers.constFind(id);
    return it == m_workers.cend() ? -1 : m_clock->nowMs() - it->lastMs;
}

QList<FailureDetector::Transition> FailureDetector::evaluate()
{
    const qint64 now = m_clock->nowMs();
    QList<Transition> out;
    for (auto it = m_workers.begin(); it != m_workers.end(); ++it) {
        const qint64 silent = now - it->lastMs;
        State next = State::Alive;
        if (it->state == State::Dead || silent >= m_deadAfterMs) {
            next = State::Dead;
        } else if (silent >= m_suspectAfterMs) {
            next = State::Suspect;
        }
        if (next != it->state) {
            out.append({it.key(), it->state, next, silent});
            it->state = next;
        }
    }
    std::sort(out.begin(), out.end(), [](const Transition &a, const Transition &b) { return a.id < b.id; });
    return out;
}

QString FailureDetector::stateName(State s)
{
    switch (s) {
    case State::Alive:
        return QStringLiteral("alive");
    case State::Suspect:
        return QStringLiteral("suspect");
    case State::Dead:
        return QStringLiteral("dead");
    }
    return {};
}

} // namespace accel
