#include "pool/ResourcePool.h"

#include "common/Clock.h"
#include "common/LogCategories.h"
#include "hosts/RuntimeServer.h"
#include "pool/HostFactory.h"
#include "pool/HostInstance.h"
#include "resilience/CircuitBreaker.h"
#include "resilience/FleetGuard.h"

#include <QTimer>

#include <algorithm>
#include <cmath>

namespace accel {

namespace {
constexpr qint64 kProbeIntervalMs = 1000;
constexpr int kProbeFloats = 16;
constexpr int kCrashAttributionMs = 300;
constexpr std::size_t kLatencyHistory = 200; ///< baseline window; the recent window is the last 10
constexpr std::size_t kRecentLatencies = 10;

double median(std::vector<qint64> v)
{
    std::sort(v.begin(), v.end());
    return v.empty() ? 0.0 : double(v[v.size() / 2]);
}
const QList<HostKind> kKinds = {HostKind::Embedded, HostKind::Chromium, HostKind::Firefox, HostKind::Edge};
} // namespace

struct ResourcePool::Entry
{
    QString id;
    HostKind kind = HostKind::Embedded;
    bool managed = true; ///< spawned by us (false: a page that connected on its own)
    PoolHostState state = PoolHostState::Starting;
    std::unique_ptr<CircuitBreaker> breaker;
    std::deque<qint64> latenciesMs;      ///< recent probe round trips (newest last), bounded
    std::deque<qint64> crashTimesMs;     ///< losses by crash, within the restart window
    std::deque<qint64> reconnectTimesMs; ///< losses of the transport/heartbeat, within the window
    qint64 createdMs = -1;
    HealthScore score; ///< last computed, with its factor breakdown
    QPointer<HostInstance> instance;
    QPointer<HostSession> session;
    int generation = 0;
    int leases = 0;
    qint64 spawnedMs = -1;
    qint64 lastUsedMs = -1;     ///< last lease release / ready time, for the idle timeout
    qint64 lostAtMs = -1;       ///< when it was lost (replacement backoff counts from here)
    qint64 replaceAfterMs = -1; ///< when the replacement may be spawned, -1 = not scheduled
    qint64 latencyMs = -1;
    qint64 lastHeartbeatMs = -1;
    qint64 nextProbeMs = 0;
    quint64 probeRequest = 0; ///< echo in flight, 0 = none
    qint64 probeSentNs = 0;
    QString lastError;
    qint64 weightBytes = -1;      ///< from the session's last metrics, -1 = not reported
    qint64 weightLimitBytes = -1; ///< ditto
    PoolHostInfo published;
    bool everPublished = false;
};

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
    if (e.instance) {
        HostInstance *inst = e.instance;
        e.instance = nullptr;
        disconnect(inst, nullptr, this, nullptr);
        // Quit the page cleanly first so the server sees a goodbye rather than a lost socket.
        inst->stop();
        inst->deleteLater();
    }
    if (e.session) {
        HostSession *s = e.session;
        e.session = nullptr;
        disconnect(s, nullptr, this, nullptr);
        if (s->state() != HostSession::State::Closed) {
            ++m_selfClosing;
            s->close(HostSession::CloseReason::ClosedByApp, QStringLiteral("closed by the pool"));
            --m_selfClosing;
        }
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

void ResourcePool::onSessionOpened(HostSession *session)
{
    if (!session || !m_running) {
        return;
    }
    const QString id = session->id();
    Entry *e = entry(id);
    if (!e) {
        // A page we did not spawn (an operator opened the host URL): adopt it, never replace it.
        const KindLimits lim = m_config.limitsFor(session->kind());
        Q_UNUSED(lim);
        e = createEntry(id, session->kind(), false);
    }
    if (e->session && e->session != session) {
        disconnect(e->session, nullptr, this, nullptr);
    }
    e->session = session;
    e->state = e->state == PoolHostState::Draining ? PoolHostState::Draining : PoolHostState::Ready;
    e->lastHeartbeatMs = session->lastHeartbeatMs();
    e->lastUsedMs = nowMs();
    e->nextProbeMs = 0;
    e->probeRequest = 0;
    e->lastError.clear();
    // A new page holds no weights yet; its metrics say what it holds and accepts.
    e->weightBytes = session->weightBytes();
    e->weightLimitBytes = session->reportedWeightLimitBytes();
    connect(session, &HostSession::heartbeatReceived, this, [this, id](quint64) { onHeartbeat(id); });
    connect(session, &HostSession::metricsReceived, this, [this, id](const QJsonObject &) { onMetrics(id); });
    connect(session, &HostSession::resultReceived, this,
            [this, id](quint64 requestId, const hostproto::TensorFrame &) { onResult(id, requestId); });
    connect(session, &HostSession::hostError, this,
            [this, id](quint64 requestId, const QString &code, const QString &message) {
                Entry *en = entry(id);
                if (!en) {
                    return;
                }
                en->lastError = QStringLiteral("%1: %2").arg(code, message);
                if (requestId != 0 && requestId == en->probeRequest) {
                    en->probeRequest = 0;
                    const std::optional<ErrorCategory> cat = errorCategoryFromString(code);
                    const qint64 dur = m_clock->nowNs() - en->probeSentNs;
                    en->breaker->recordFailure(cat.value_or(ErrorCategory::Protocol), dur);
                }
                markDirty(*en);
            });
    qCInfo(lcPool) << "host" << id << "connected (" << hostKindName(e->kind) << ")";
    markDirty(*e);
}

void ResourcePool::onSessionClosed(const QString &hostId, HostKind, HostSession::CloseReason reason,
                                   const QString &detail)
{
    Entry *e = entry(hostId);
    if (!e || m_selfClosing > 0 || e->state == PoolHostState::Closing || e->state == PoolHostState::Lost) {
        return;
    }
    if (e->session && e->session->state() != HostSession::State::Closed) {
        return; // an older connection of this id closed; the current one lives on
    }
    e->session = nullptr;
    switch (reason) {
    case HostSession::CloseReason::Replaced:
        return;
    case HostSession::CloseReason::ClosedByApp:
    case HostSession::CloseReason::ServerStopped:
        markLost(*e, ErrorCategory::ConnectionLost, QStringLiteral("session closed: %1").arg(detail));
        return;
    case HostSession::CloseReason::HeartbeatTimeout:
        markLost(*e, ErrorCategory::Timeout, QStringLiteral("heartbeat timeout: %1").arg(detail));
        return;
    case HostSession::CloseReason::TransportClosed: {
        // A dying browser usually drops its socket a moment before its process (or renderer)
        // exit is reported; wait briefly so the loss is attributed to the crash when there is one.
        const QString id = hostId;
        const int generation = e->generation;
        const QString text = QStringLiteral("%1: %2").arg(HostSession::closeReasonName(reason), detail);
        QTimer::singleShot(kCrashAttributionMs, this, [this, id, generation, text]() {
            Entry *en = entry(id);
            if (en && en->generation == generation && !en->session) {
                markLost(*en, ErrorCategory::ConnectionLost, text);
            }
        });
        return;
    }
    case HostSession::CloseReason::HostGoodbye:
    case HostSession::CloseReason::HelloTimeout:
    case HostSession::CloseReason::ProtocolViolation:
    case HostSession::CloseReason::UnsupportedVersion:
        markLost(*e, ErrorCategory::ConnectionLost,
                 QStringLiteral("%1: %2").arg(HostSession::closeReasonName(reason), detail));
        return;
    }
}

void ResourcePool::onInstanceExited(const QString &hostId, int generation, bool crashed,
                                    const QString &detail)
{
    Entry *e = entry(hostId);
    if (!e || e->generation != generation || e->state == PoolHostState::Closing) {
        return;
    }
    if (e->instance) {
        e->instance->deleteLater();
        e->instance = nullptr;
    }
    if (e->state == PoolHostState::Lost) {
        return;
    }
    markLost(*e, crashed ? ErrorCategory::BrowserCrashed : ErrorCategory::ConnectionLost,
             crashed ? QStringLiteral("host crashed: %1").arg(detail)
                     : QStringLiteral("host exited: %1").arg(detail));
}

void ResourcePool::markLost(Entry &e, ErrorCategory category, const QString &detail)
{
    if (e.state == PoolHostState::Lost || e.state == PoolHostState::Closing) {
        return;
    }
    const qint64 now = nowMs();
    qCWarning(lcPool) << "host" << e.id << "lost:" << detail;
    e.state = PoolHostState::Lost;
    e.lastError = detail;
    e.lostAtMs = now;
    (category == ErrorCategory::BrowserCrashed ? e.crashTimesMs : e.reconnectTimesMs).push_back(now);
    // A lost host is a hard failure: the breaker opens at once (the FleetGuard may still veto it).
    if (e.probeRequest != 0) {
        e.probeRequest = 0;
    }
    m_lossContext = QStringLiteral("host lost: %1").arg(detail);
    e.breaker->tripNow(category, detail);
    m_lossContext.clear();
    if (e.session) {
        HostSession *s = e.session;
        e.session = nullptr;
        disconnect(s, nullptr, this, nullptr);
        if (s->state() != HostSession::State::Closed) {
            ++m_selfClosing;
            s->close(HostSession::CloseReason::ClosedByApp, QStringLiteral("host lost"));
            --m_selfClosing;
        }
    }
    if (e.instance) {
        HostInstance *inst = e.instance;
        e.instance = nullptr;
        disconnect(inst, nullptr, this, nullptr);
        inst->stop();
        inst->deleteLater();
    }
    if (e.managed) {
        e.replaceAfterMs = now + restartDelayMs(e.kind);
    }
    markDirty(e);
    emit hostLost(e.id, detail);
}

void ResourcePool::onHeartbeat(const QString &hostId)
{
    Entry *e = entry(hostId);
    if (!e || !e->session) {
        return;
    }
    e->lastHeartbeatMs = e->session->lastHeartbeatMs();
    markDirty(*e);
}

void ResourcePool::onMetrics(const QString &hostId)
{
    Entry *e = entry(hostId);
    if (!e || !e->session) {
        return;
    }
    // decodeControl() rejected metrics whose weight fields are not byte counts; a page that
    // reports only one of the two is treated as not reporting weight memory.
    const qint64 weight = e->session->weightBytes();
    const qint64 limit = e->session->reportedWeightLimitBytes();
    const bool both = weight >= 0 && limit >= 0;
    e->weightBytes = both ? weight : -1;
    e->weightLimitBytes = both ? limit : -1;
    markDirty(*e);
}

void ResourcePool::onResult(const QString &hostId, quint64 requestId)
{
    Entry *e = entry(hostId);
    if (!e || requestId == 0 || requestId != e->probeRequest) {
        return;
    }
    e->probeRequest = 0;
    const qint64 durNs = std::max<qint64>(0, m_clock->nowNs() - e->probeSentNs);
    e->latencyMs = durNs / 1'000'000;
    e->breaker->recordSuccess(durNs);
    e->latenciesMs.push_back(e->latencyMs);
    while (e->latenciesMs.size() > kLatencyHistory) {
        e->latenciesMs.pop_front();
    }
    markDirty(*e);
}

void ResourcePool::onBreakerEvent(const QString &hostId, const BreakerEvent &event)
{
    if (event.kind != BreakerEvent::Kind::Transition) {
        return;
    }
    m_pendingTransitions.append(
        {hostId, event.timestampNs / 1'000'000, event.from, event.to, event.reasonText});
    if (Entry *e = entry(hostId)) {
        markDirty(*e);
    }
}

void ResourcePool::probe(Entry &e)
{
    const qint64 now = nowMs();
    if (e.probeRequest != 0) {
        // An echo that never came back within the heartbeat timeout is a failed call.
        if (now - e.probeSentNs / 1'000'000 > m_config.heartbeatTimeoutMs) {
            e.probeRequest = 0;
            e.breaker->recordFailure(ErrorCategory::Timeout, m_clock->nowNs() - e.probeSentNs);
            markDirty(e);
        }
        return;
    }
    const bool halfOpen = e.breaker->peekState() == BreakerState::HalfOpen;
    if (!halfOpen && now < e.nextProbeMs) {
        return;
    }
    if (!e.session || !e.session->isReady()) {
        return;
    }
    const Permission p = e.breaker->tryAcquire();
    e.nextProbeMs = now + kProbeIntervalMs;
    if (!p) {
        return;
    }
    QByteArray payload(kProbeFloats * int(sizeof(float)), '\0');
    e.probeSentNs = m_clock->nowNs();
    e.probeRequest = e.session->sendEcho(hostproto::DType::F32, {quint32(kProbeFloats)}, payload);
    if (e.probeRequest == 0) {
        e.breaker->recordFailure(ErrorCategory::ConnectionLost, 0);
    }
}

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
