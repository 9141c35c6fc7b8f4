#include "pool/ResourcePool.h"

#include "common/LogCategories.h"
#include "hosts/RuntimeServer.h"
#include "pool/HostFactory.h"
#include "pool/ResourcePoolInternal.h"

#include <algorithm>
#include <cmath>

namespace accel {

namespace {
constexpr std::size_t kRecentLatencies = 10;

double median(std::vector<qint64> v)
{
    std::sort(v.begin(), v.end());
    return v.empty() ? 0.0 : double(v[v.size() / 2]);
}
const QList<HostKind> kKinds = {HostKind::Embedded, HostKind::Chromium, HostKind::Firefox, HostKind::Edge};
} // namespace

qint64 ResourcePool::restartDelayMs(HostKind kind) const
{
    const auto it = m_restartTimesMs.constFind(kind);
    const int recent = it == m_restartTimesMs.cend() ? 0 : int(it->size());
    const double d = double(m_config.restartBackoffMs) * std::pow(m_config.restartBackoffMultiplier, recent);
    return qint64(std::min(d, double(m_config.maxRestartBackoffMs)));
}

void ResourcePool::pruneRestarts(HostKind kind)
{
    auto it = m_restartTimesMs.find(kind);
    if (it == m_restartTimesMs.end()) {
        return;
    }
    const qint64 cutoff = nowMs() - m_config.restartWindowMs;
    while (!it->empty() && it->front() < cutoff) {
        it->pop_front();
    }
}

int ResourcePool::recentRestarts(HostKind kind) const
{
    const auto it = m_restartTimesMs.constFind(kind);
    if (it == m_restartTimesMs.cend()) {
        return 0;
    }
    const qint64 cutoff = nowMs() - m_config.restartWindowMs;
    return int(std::count_if(it->begin(), it->end(), [cutoff](qint64 t) { return t >= cutoff; }));
}

void ResourcePool::sizeKind(HostKind kind)
{
    if (!m_running || !factory(kind) || !factory(kind)->isAvailable()) {
        return;
    }
    const KindLimits lim = m_config.limitsFor(kind);
    int count = 0;
    int leased = 0;
    QList<Entry *> idle;
    for (const QString &id : m_order) {
        Entry *e = entry(id);
        if (e->kind != kind || e->state == PoolHostState::Closing || e->state == PoolHostState::Draining) {
            continue;
        }
        ++count;
        if (e->leases > 0) {
            ++leased;
        } else if (e->state == PoolHostState::Ready) {
            idle.append(e);
        }
    }
    const int target = std::clamp(std::max(lim.minHosts, leased + m_config.warmSpares), 0, lim.maxHosts);
    for (int i = count; i < target; ++i) {
        const ValueOrError<QString> r = addHost(kind);
        if (!r) {
            qCWarning(lcPool) << "cannot bring" << hostKindName(kind) << "hosts to" << target << ":"
                              << r.error();
            break;
        }
    }
    // Close idle extras, longest idle first.
    std::sort(idle.begin(), idle.end(),
              [](const Entry *a, const Entry *b) { return a->lastUsedMs < b->lastUsedMs; });
    const qint64 now = nowMs();
    int excess = count - target;
    for (Entry *e : idle) {
        if (excess <= 0) {
            break;
        }
        if (now - e->lastUsedMs >= m_config.idleTimeoutMs) {
            const QString id = e->id;
            removeEntry(id, QStringLiteral("idle for %1 s").arg((now - e->lastUsedMs) / 1000));
            --excess;
        }
    }
}

void ResourcePool::maintain()
{
    if (!m_running) {
        return;
    }
    const qint64 now = nowMs();
    const QStringList ids = m_order;
    for (const QString &id : ids) {
        Entry *e = entry(id);
        if (!e) {
            continue;
        }
        // Lazy breaker transitions (Open -> HalfOpen) become visible here.
        e->breaker->state();
        switch (e->state) {
        case PoolHostState::Starting:
            if (now - e->spawnedMs > m_config.helloTimeoutMs) {
                markLost(*e, ErrorCategory::Timeout,
                         QStringLiteral("no hello within %1 ms").arg(m_config.helloTimeoutMs));
            }
            break;
        case PoolHostState::Ready:
        case PoolHostState::Draining:
            probe(*e);
            break;
        case PoolHostState::Lost:
            if (!e->managed) {
                removeEntry(id, e->lastError);
                break;
            }
            if (e->replaceAfterMs >= 0 && now >= e->replaceAfterMs) {
                pruneRestarts(e->kind);
                if (recentRestarts(e->kind) >= m_config.maxRestarts) {
                    const QString msg = QStringLiteral("not replaced: %1 restarts of %2 hosts within %3 s")
                                            .arg(recentRestarts(e->kind))
                                            .arg(hostKindName(e->kind))
                                            .arg(m_config.restartWindowMs / 1000);
                    if (e->lastError != msg) {
                        qCWarning(lcPool) << "host" << id << msg;
                        e->lastError = msg;
                        markDirty(*e);
                    }
                    break;
                }
                m_restartTimesMs[e->kind].push_back(now);
                ++e->generation;
                QString error;
                if (spawnInto(*e, &error)) {
                    qCInfo(lcPool) << "replacing host" << id << "generation" << e->generation;
                    emit hostReplaced(id, e->generation);
                } else {
                    e->lastError = error;
                    e->replaceAfterMs = now + restartDelayMs(e->kind);
                    markDirty(*e);
                }
            }
            break;
        case PoolHostState::Closing:
            break;
        }
        if (Entry *still = entry(id)) {
            markDirty(*still); // health decays and heartbeat ages move with time
        }
    }
    for (HostKind kind : kKinds) {
        sizeKind(kind);
    }
}

PoolHostInfo ResourcePool::infoOf(const Entry &e) const
{
    PoolHostInfo i = e.published; // keeps the last capabilities once the session is gone
    i.id = e.id;
    i.kind = e.kind;
    i.state = e.state;
    i.breaker = e.breaker->peekState();
    i.health = e.score.score;
    i.latencyMs = e.latencyMs;
    i.lastHeartbeatMs = e.lastHeartbeatMs;
    i.startedMs = e.spawnedMs;
    i.leases = e.leases;
    i.generation = e.generation;
    i.lastError = e.lastError;
    const bool connected = e.session && e.session->isReady();
    i.weightBytes = connected ? e.weightBytes : -1;
    i.weightLimitBytes = connected ? e.weightLimitBytes : -1;
    if (connected) {
        const HostCapabilities &c = e.session->capabilities();
        i.webGpu = c.webgpu.adapterFound;
        i.webNn = !c.webnn.contextDevices.isEmpty();
        i.wasm = true;
        QStringList b;
        if (i.webGpu) {
            b << (c.webgpu.isFallbackAdapter ? QStringLiteral("webgpu (cpu)") : QStringLiteral("webgpu"));
        }
        if (i.webNn) {
            b << QStringLiteral("webnn");
        }
        b << (c.wasmSimd ? QStringLiteral("wasm-simd") : QStringLiteral("wasm"));
        if (c.wasmThreads) {
            b << QStringLiteral("wasm-threads");
        }
        i.backends = b;
    }
    return i;
}

void ResourcePool::markDirty(Entry &e)
{
    m_dirty.insert(e.id);
}

HostObservations ResourcePool::observe(Entry &e) const
{
    const qint64 now = nowMs();
    HostObservations o;
    o.hostId = e.id;
    const BreakerSnapshot snap = e.breaker->snapshot();
    o.calls = snap.windowCalls;
    o.failures = std::min(snap.windowFailures, snap.windowCalls);
    o.slowCalls = std::min(snap.windowSlowCalls, snap.windowCalls);
    if (!e.latenciesMs.empty()) {
        const std::size_t n = std::min(kRecentLatencies, e.latenciesMs.size());
        o.latencyMs = median(std::vector<qint64>(e.latenciesMs.end() - qsizetype(n), e.latenciesMs.end()));
        if (e.latenciesMs.size() >= kRecentLatencies) {
            // The host's own normal: median of the longer window, floored at 1 ms (loopback).
            o.baselineLatencyMs =
                std::max(1.0, median(std::vector<qint64>(e.latenciesMs.begin(), e.latenciesMs.end())));
        }
    }
    if (e.lastHeartbeatMs >= 0 && e.state != PoolHostState::Starting) {
        o.heartbeatAgeMs = double(std::max<qint64>(0, now - e.lastHeartbeatMs));
    }
    if (m_server) {
        o.heartbeatIntervalMs = std::max(1, m_server->config().heartbeatIntervalMs);
    }
    const qint64 cutoff = now - m_config.restartWindowMs;
    for (std::deque<qint64> *d : {&e.crashTimesMs, &e.reconnectTimesMs}) {
        while (!d->empty() && d->front() < cutoff) {
            d->pop_front();
        }
    }
    o.observedForMs = std::max<qint64>(1, std::min(now - e.createdMs, m_config.restartWindowMs));
    o.crashes = int(e.crashTimesMs.size());
    o.reconnects = int(e.reconnectTimesMs.size());
    return o;
}

void ResourcePool::rescore()
{
    QList<HostObservations> all;
    all.reserve(m_order.size());
    for (const QString &id : m_order) {
        all.append(observe(*entry(id)));
    }
    for (const HostObservations &o : all) {
        Entry *e = entry(o.hostId);
        ValueOrError<HealthScore> r = m_scorer.score(o, all);
        if (r) {
            e->score = r.value();
        } else {
            qCWarning(lcPool) << "health score of" << o.hostId << "failed:" << r.error();
        }
    }
}

void ResourcePool::publish()
{
    rescore();
    QList<PoolHostInfo> changed;
    for (const QString &id : m_order) {
        if (!m_dirty.contains(id)) {
            continue;
        }
        Entry *e = entry(id);
        const PoolHostInfo before = e->published;
        e->published = infoOf(*e);
        if (!e->everPublished || !(before == e->published)) {
            changed.append(e->published);
            e->everPublished = true;
        }
    }
    m_dirty.clear();
    if (!m_pendingTransitions.isEmpty()) {
        const QList<PoolBreakerTransition> t = std::exchange(m_pendingTransitions, {});
        emit breakerTransitions(t);
    }
    if (!changed.isEmpty()) {
        emit hostsUpdated(changed);
    }
    const int connected = connectedCount();
    const int total = totalCount();
    if (connected != m_lastConnected || total != m_lastTotal) {
        m_lastConnected = connected;
        m_lastTotal = total;
        emit countsChanged(connected, total);
    }
}

void ResourcePool::tick()
{
    maintain();
    publish();
}

} // namespace accel
