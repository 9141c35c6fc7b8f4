#include "resilience/FleetGuard.h"

#include "common/LogCategories.h"
#include "resilience/CircuitBreaker.h"

#include <algorithm>
#include <cmath>

namespace accel {

namespace {

bool isHealthy(BreakerState s)
{
    return s == BreakerState::Closed || s == BreakerState::MetricsOnly || s == BreakerState::Disabled;
}

} // namespace

QString FleetGuardConfig::validate() const
{
    if (!(maxOpenShare > 0.0 && maxOpenShare <= 1.0)) {
        return QStringLiteral("maxOpenShare must be in (0, 1] (got %1)").arg(maxOpenShare);
    }
    if (!(panicHealthyShare > 0.0 && panicHealthyShare <= 1.0)) {
        return QStringLiteral("panicHealthyShare must be in (0, 1] (got %1)").arg(panicHealthyShare);
    }
    return {};
}

FleetGuard::FleetGuard(FleetGuardConfig config)
    : m_config(config)
{
    const QString error = m_config.validate();
    if (!error.isEmpty()) {
        qCWarning(lcResilience) << "FleetGuard: invalid config (" << error << "); using defaults";
        m_config = FleetGuardConfig{};
    }
}

FleetGuard::~FleetGuard()
{
    for (const Member &m : m_members) {
        if (m.breaker->tripGate() == this) {
            m.breaker->setTripGate(nullptr);
        }
    }
}

void FleetGuard::attach(const QString &hostId, CircuitBreaker *breaker)
{
    if (!breaker) {
        return;
    }
    detach(hostId);
    // One breaker belongs to one host id.
    for (auto it = m_members.begin(); it != m_members.end(); ++it) {
        if (it->breaker == breaker) {
            m_members.erase(it);
            break;
        }
    }
    m_members.push_back({hostId, breaker});
    breaker->setTripGate(this);
}

void FleetGuard::detach(const QString &hostId)
{
    for (auto it = m_members.begin(); it != m_members.end(); ++it) {
        if (it->hostId == hostId) {
            if (it->breaker->tripGate() == this) {
                it->breaker->setTripGate(nullptr);
            }
            m_members.erase(it);
            return;
        }
    }
}

QStringList FleetGuard::hostIds() const
{
    QStringList ids;
    for (const Member &m : m_members) {
        ids.append(m.hostId);
    }
    return ids;
}

int FleetGuard::openCountExcluding(const CircuitBreaker *skip) const
{
    int n = 0;
    for (const Member &m : m_members) {
        if (m.breaker != skip && isOpenLike(m.breaker->peekState())) {
            ++n;
        }
    }
    return n;
}

int FleetGuard::openCount() const
{
    return openCountExcluding(nullptr);
}

int FleetGuard::healthyCount() const
{
    int n = 0;
    for (const Member &m : m_members) {
        n += isHealthy(m.breaker->peekState()) ? 1 : 0;
    }
    return n;
}

int FleetGuard::maxOpen() const
{
    // Small epsilon so 0.3 * 10 is 3, not 2.9999.
    return std::max(1, int(std::floor(m_config.maxOpenShare * double(size()) + 1e-9)));
}

bool FleetGuard::mayOpenBreaker(const CircuitBreaker *breaker, QString *whyNot) const
{
    if (breaker && isOpenLike(breaker->peekState())) {
        return true;
    }
    const int others = openCountExcluding(breaker);
    if (others + 1 <= maxOpen()) {
        return true;
    }
    if (whyNot) {
        *whyNot =
            QStringLiteral("fleet guard: %1 of %2 hosts already open, at most %3 (%4%) may be open at once")
                .arg(others)
                .arg(size())
                .arg(maxOpen())
                .arg(m_config.maxOpenShare * 100.0, 0, 'f', 0);
    }
    return false;
}

bool FleetGuard::mayOpen(const QString &hostId, QString *whyNot) const
{
    for (const Member &m : m_members) {
        if (m.hostId == hostId) {
            return mayOpenBreaker(m.breaker, whyNot);
        }
    }
    // Unknown host: would be one more member and one more open breaker.
    const int open = openCount();
    const int budget = std::max(1, int(std::floor(m_config.maxOpenShare * double(size() + 1) + 1e-9)));
    if (open + 1 <= budget) {
        return true;
    }
    if (whyNot) {
        *whyNot = QStringLiteral("fleet guard: %1 of %2 hosts already open").arg(open).arg(size());
    }
    return false;
}

bool FleetGuard::mayOpen(const CircuitBreaker &breaker, QString *whyNot)
{
    return mayOpenBreaker(&breaker, whyNot);
}

void FleetGuard::breakerDestroyed(CircuitBreaker *breaker)
{
    m_members.erase(std::remove_if(m_members.begin(), m_members.end(),
                                   [breaker](const Member &m) { return m.breaker == breaker; }),
                    m_members.end());
}

bool FleetGuard::isPanic() const
{
    if (m_members.empty()) {
        return false;
    }
    return double(healthyCount()) < m_config.panicHealthyShare * double(size()) - 1e-9;
}

HostSelection FleetGuard::selectHosts(int wanted, const QHash<QString, double> &scores) const
{
    struct Candidate
    {
        QString hostId;
        int rank; // 0 healthy, 1 half-open, 2 open
        double score;
        qint64 openRemainingMs;
    };
    const bool panic = isPanic();
    std::vector<Candidate> candidates;
    int healthy = 0;
    for (const Member &m : m_members) {
        const BreakerState s = m.breaker->peekState();
        const double score = scores.value(m.hostId, 50.0);
        if (isHealthy(s)) {
            ++healthy;
            candidates.push_back({m.hostId, 0, score, 0});
        } else if (panic && s == BreakerState::HalfOpen) {
            candidates.push_back({m.hostId, 1, score, 0});
        } else if (panic && s == BreakerState::Open) {
            candidates.push_back({m.hostId, 2, score, m.breaker->peekOpenRemainingMs()});
        }
    }
    std::sort(candidates.begin(), candidates.end(), [](const Candidate &a, const Candidate &b) {
        if (a.rank != b.rank) {
            return a.rank < b.rank;
        }
        if (a.score != b.score) {
            return a.score > b.score;
        }
        if (a.openRemainingMs != b.openRemainingMs) {
            return a.openRemainingMs < b.openRemainingMs;
        }
        return a.hostId < b.hostId;
    });
    HostSelection selection;
    selection.panic = panic;
    for (const Candidate &c : candidates) {
        if (wanted > 0 && selection.hostIds.size() >= wanted) {
            break;
        }
        selection.hostIds.append(c.hostId);
    }
    if (panic) {
        selection.reason = QStringLiteral("panic: only %1 of %2 hosts healthy (below %3%); routing to the %4 "
                                          "least-bad hosts, isolated hosts excluded")
                               .arg(healthy)
                               .arg(size())
                               .arg(m_config.panicHealthyShare * 100.0, 0, 'f', 0)
                               .arg(selection.hostIds.size());
    } else {
        selection.reason = QStringLiteral("%1 of %2 hosts healthy; best %3 by health score")
                               .arg(healthy)
                               .arg(size())
                               .arg(selection.hostIds.size());
    }
    return selection;
}

} // namespace accel
