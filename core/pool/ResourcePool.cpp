#include "pool/ResourcePool.h"

#include "common/Clock.h"
#include "common/LogCategories.h"
#include "hosts/RuntimeServer.h"
#include "pool/HostFactory.h"
#include "pool/ResourcePoolInternal.h"
#include "resilience/FleetGuard.h"

#include <QTimer>

namespace accel {

ResourcePool::ResourcePool(RuntimeServer *server, PoolConfig config, const Clock *clock, QObject *parent)
    : QObject(parent)
    , m_config(std::move(config))
    , m_server(server)
    , m_clock(clock ? clock : Clock::system())
    , m_timer(new QTimer(this))
{
    const QString invalid = m_config.validate();
    if (!invalid.isEmpty()) {
        qCWarning(lcPool) << "invalid pool config, using defaults:" << invalid;
        m_config = PoolConfig{};
    }
    m_guard = std::make_unique<FleetGuard>(FleetGuardConfig{});
    m_timer->setInterval(int(m_config.updateIntervalMs));
    connect(m_timer, &QTimer::timeout, this, &ResourcePool::tick);
    if (m_server) {
        // The pool's hosts connect through this server: its welcome carries the pool's cap.
        if (m_config.weightLimitBytes > 0) {
            m_server->setWeightLimitBytes(m_config.weightLimitBytes);
        }
        connect(m_server, &RuntimeServer::sessionOpened, this, &ResourcePool::onSessionOpened);
        connect(m_server, &RuntimeServer::sessionClosed, this, &ResourcePool::onSessionClosed);
    }
}

ResourcePool::~ResourcePool()
{
    stop();
    // Breakers deregister from the guard in their destructors: destroy them first.
    m_entries.clear();
}

void ResourcePool::addFactory(std::unique_ptr<HostFactory> factory)
{
    if (!factory) {
        return;
    }
    const HostKind kind = factory->kind();
    m_factories[kind] = std::move(factory);
    if (m_running) {
        sizeKind(kind);
    }
}

HostFactory *ResourcePool::factory(HostKind kind) const
{
    auto it = m_factories.find(kind);
    return it == m_factories.end() ? nullptr : it->second.get();
}

QList<HostKind> ResourcePool::availableKinds() const
{
    QList<HostKind> out;
    for (const auto &[kind, f] : m_factories) {
        if (f->isAvailable()) {
            out.append(kind);
        }
    }
    return out;
}

void ResourcePool::start()
{
    if (m_running) {
        return;
    }
    m_running = true;
    // Pages that connected before start() (or on their own) are adopted.
    if (m_server) {
        for (HostSession *s : m_server->sessions()) {
            onSessionOpened(s);
        }
    }
    maintain();
    publish();
    m_timer->start();
}

void ResourcePool::stop()
{
    if (!m_running) {
        return;
    }
    m_running = false;
    m_timer->stop();
    const QStringList ids = m_order;
    for (const QString &id : ids) {
        removeEntry(id, QStringLiteral("pool stopped"));
    }
    publish();
}

qint64 ResourcePool::nowMs() const
{
    return m_clock->nowMs();
}

ResourcePool::Entry *ResourcePool::entry(const QString &hostId) const
{
    auto it = m_entries.find(hostId);
    return it == m_entries.end() ? nullptr : it->second.get();
}

ResourcePool::Entry *ResourcePool::createEntry(const QString &hostId, HostKind kind, bool managed)
{
    auto e = std::make_unique<Entry>();
    e->id = hostId;
    e->kind = kind;
    e->managed = managed;
    e->breaker = std::make_unique<CircuitBreaker>(hostId, m_config.breaker, m_clock);
    m_guard->attach(hostId, e->breaker.get());
    const QPointer<ResourcePool> self(this);
    e->breaker->setEventListener([self, hostId](const BreakerEvent &event) {
        if (self) {
            self->onBreakerEvent(hostId, event);
        }
    });
    e->spawnedMs = nowMs();
    e->createdMs = e->spawnedMs;
    e->lastUsedMs = e->spawnedMs;
    e->score.hostId = hostId;
    e->score.score = m_scorer.config().noDataScore;
    Entry *raw = e.get();
    m_entries[hostId] = std::move(e);
    m_order.append(hostId);
    raw->published = infoOf(*raw);
    emit hostAdded(raw->published);
    return raw;
}

bool ResourcePool::spawnInto(Entry &e, QString *error)
{
    HostFactory *f = factory(e.kind);
    if (!f) {
        *error = QStringLiteral("no factory for %1 hosts").arg(hostKindName(e.kind));
        return false;
    }
    QString why;
    if (!f->isAvailable(&why)) {
        *error = QStringLiteral("%1 hosts unavailable: %2").arg(hostKindName(e.kind), why);
        return false;
    }
    if (!m_server || !m_server->isListening()) {
        *error = QStringLiteral("runtime server is not listening");
        return false;
    }
    HostInstance *inst = f->spawn(e.id, m_server->hostUrl(e.id, e.kind), this, error);
    if (!inst) {
        return false;
    }
    e.instance = inst;
    e.state = PoolHostState::Starting;
    e.spawnedMs = nowMs();
    e.replaceAfterMs = -1;
    e.probeRequest = 0;
    const QString id = e.id;
    const int generation = e.generation;
    connect(inst, &HostInstance::exited, this, [this, id, generation](bool crashed, const QString &detail) {
        onInstanceExited(id, generation, crashed, detail);
    });
    markDirty(e);
    return true;
}

void ResourcePool::stopInstance(Entry &e)
{
    // Quit the page cleanly first so the server sees a goodbye rather than a lost socket.
    releaseInstance(e);
    closeSession(e, QStringLiteral("closed by the pool"));
}

void ResourcePool::releaseInstance(Entry &e)
{
    if (!e.instance) {
        return;
    }
    HostInstance *inst = e.instance;
    e.instance = nullptr;
    disconnect(inst, nullptr, this, nullptr);
    inst->stop();
    inst->deleteLater();
}

void ResourcePool::closeSession(Entry &e, const QString &reason)
{
    if (!e.session) {
        return;
    }
    HostSession *s = e.session;
    e.session = nullptr;
    disconnect(s, nullptr, this, nullptr);
    if (s->state() != HostSession::State::Closed) {
        ++m_selfClosing; // its sessionClosed is the pool's own doing, not a lost host
        s->close(HostSession::CloseReason::ClosedByApp, reason);
        --m_selfClosing;
    }
}

void ResourcePool::removeEntry(const QString &hostId, const QString &reason)
{
    Entry *e = entry(hostId);
    if (!e) {
        return;
    }
    e->state = PoolHostState::Closing;
    stopInstance(*e);
    if (e->breaker) {
        const BreakerState last = e->breaker->peekState();
        // Close the host's band on the timeline.
        m_pendingTransitions.append({hostId, nowMs(), last, last, QStringLiteral("removed: %1").arg(reason)});
        m_guard->detach(hostId);
    }
    m_dirty.remove(hostId);
    m_order.removeAll(hostId);
    m_entries.erase(hostId);
    qCInfo(lcPool) << "host" << hostId << "removed:" << reason;
    emit hostRemoved(hostId, reason);
}

ValueOrError<QString> ResourcePool::addHost(HostKind kind)
{
    using R = ValueOrError<QString>;
    const KindLimits lim = m_config.limitsFor(kind);
    int count = 0;
    for (const auto &[id, e] : m_entries) {
        if (e->kind == kind && e->state != PoolHostState::Closing && e->state != PoolHostState::Draining) {
            ++count;
        }
    }
    if (count >= lim.maxHosts) {
        return R::failure(QStringLiteral("already %1 %2 hosts (maximum %3)")
                              .arg(count)
                              .arg(hostKindName(kind))
                              .arg(lim.maxHosts));
    }
    if (!factory(kind)) {
        return R::failure(QStringLiteral("no factory for %1 hosts").arg(hostKindName(kind)));
    }
    QString id = RuntimeServer::newHostId(kind);
    while (m_entries.count(id) != 0) {
        id = RuntimeServer::newHostId(kind);
    }
    Entry *e = createEntry(id, kind, true);
    QString error;
    if (!spawnInto(*e, &error)) {
        removeEntry(id, error);
        return R::failure(error);
    }
    qCInfo(lcPool) << "spawned" << hostKindName(kind) << "host" << id;
    return id;
}

bool ResourcePool::restartHost(const QString &hostId)
{
    Entry *e = entry(hostId);
    if (!e || !e->managed || e->state == PoolHostState::Closing) {
        return false;
    }
    stopInstance(*e);
    ++e->generation;
    QString error;
    if (!spawnInto(*e, &error)) {
        e->state = PoolHostState::Lost;
        e->lastError = error;
        e->lostAtMs = nowMs();
        e->replaceAfterMs = nowMs() + restartDelayMs(e->kind);
        markDirty(*e);
        return false;
    }
    return true;
}

bool ResourcePool::isolateHost(const QString &hostId, const QString &reason)
{
    Entry *e = entry(hostId);
    if (!e) {
        return false;
    }
    e->breaker->forceOpen(reason.isEmpty() ? QStringLiteral("isolated by operator") : reason);
    markDirty(*e);
    return true;
}

bool ResourcePool::resetBreaker(const QString &hostId, const QString &reason)
{
    Entry *e = entry(hostId);
    if (!e) {
        return false;
    }
    e->breaker->reset(reason.isEmpty() ? QStringLiteral("reset by operator") : reason);
    markDirty(*e);
    return true;
}

bool ResourcePool::drainHost(const QString &hostId)
{
    Entry *e = entry(hostId);
    if (!e || e->state == PoolHostState::Closing) {
        return false;
    }
    if (e->leases == 0) {
        removeEntry(hostId, QStringLiteral("drained"));
        return true;
    }
    e->state = PoolHostState::Draining;
    markDirty(*e);
    return true;
}

bool ResourcePool::closeHost(const QString &hostId)
{
    if (!entry(hostId)) {
        return false;
    }
    removeEntry(hostId, QStringLiteral("closed by operator"));
    return true;
}

QList<HostCandidate> ResourcePool::candidates() const
{
    QList<HostCandidate> out;
    for (const QString &id : m_order) {
        const Entry *e = entry(id);
        HostCandidate c;
        c.id = id;
        c.kind = e->kind;
        c.breaker = e->breaker->peekState();
        c.health = e->score.score;
        c.ready = e->state == PoolHostState::Ready && e->session;
        c.webGpu = e->published.webGpu;
        c.webNn = e->published.webNn;
        c.wasm = e->published.wasm;
        c.leases = e->leases;
        out.append(c);
    }
    return out;
}

QStringList ResourcePool::acquire(const SelectionRequest &request)
{
    QStringList ids = m_selector.select(request, candidates());
    if (ids.isEmpty() && request.count > 0 && m_guard->isPanic()) {
        // Most of the fleet is open: rather than fail everything, the FleetGuard picks the
        // least-bad connected hosts (never isolated ones); callers see them as probes.
        QHash<QString, double> scores;
        for (const auto &[id, e] : m_entries) {
            scores.insert(id, e->published.health);
        }
        for (const QString &id : m_guard->selectHosts(0, scores).hostIds) {
            const Entry *e = entry(id);
            if (e && e->state == PoolHostState::Ready && e->session && ids.size() < request.count) {
                ids.append(id);
            }
        }
        if (!ids.isEmpty()) {
            qCWarning(lcPool) << "fleet in panic mode: routing to" << ids;
        }
    }
    for (const QString &id : ids) {
        Entry *e = entry(id);
        ++e->leases;
        e->lastUsedMs = nowMs();
        markDirty(*e);
    }
    return ids;
}

void ResourcePool::release(const QString &hostId)
{
    Entry *e = entry(hostId);
    if (!e || e->leases == 0) {
        return;
    }
    --e->leases;
    e->lastUsedMs = nowMs();
    markDirty(*e);
    if (e->state == PoolHostState::Draining && e->leases == 0) {
        removeEntry(hostId, QStringLiteral("drained"));
    }
}

Permission ResourcePool::tryAcquire(const QString &hostId)
{
    Entry *e = entry(hostId);
    if (!e || e->state != PoolHostState::Ready) {
        return Permission{false, BreakerReason::OpenRejected, 0};
    }
    return e->breaker->tryAcquire();
}

void ResourcePool::recordSuccess(const QString &hostId, qint64 durationNs)
{
    if (Entry *e = entry(hostId)) {
        e->breaker->recordSuccess(durationNs);
        markDirty(*e);
    }
}

void ResourcePool::recordFailure(const QString &hostId, ErrorCategory category, qint64 durationNs)
{
    if (Entry *e = entry(hostId)) {
        e->breaker->recordFailure(category, durationNs);
        markDirty(*e);
    }
}

QList<PoolHostInfo> ResourcePool::hosts() const
{
    QList<PoolHostInfo> out;
    for (const QString &id : m_order) {
        out.append(infoOf(*entry(id)));
    }
    return out;
}

std::optional<PoolHostInfo> ResourcePool::host(const QString &hostId) const
{
    if (const Entry *e = entry(hostId)) {
        return infoOf(*e);
    }
    return std::nullopt;
}

HostSession *ResourcePool::session(const QString &hostId) const
{
    const Entry *e = entry(hostId);
    return e ? e->session.data() : nullptr;
}

HostInstance *ResourcePool::instance(const QString &hostId) const
{
    const Entry *e = entry(hostId);
    return e ? e->instance.data() : nullptr;
}

CircuitBreaker *ResourcePool::breaker(const QString &hostId) const
{
    const Entry *e = entry(hostId);
    return e ? e->breaker.get() : nullptr;
}

std::optional<HealthScore> ResourcePool::healthScore(const QString &hostId) const
{
    if (const Entry *e = entry(hostId)) {
        return e->score;
    }
    return std::nullopt;
}

int ResourcePool::connectedCount() const
{
    int n = 0;
    for (const auto &[id, e] : m_entries) {
        if ((e->state == PoolHostState::Ready || e->state == PoolHostState::Draining) && e->session) {
            ++n;
        }
    }
    return n;
}

} // namespace accel
