#include "pool/ResourcePool.h"

#include "common/Clock.h"
#include "common/LogCategories.h"
#include "pool/ResourcePoolInternal.h"

#include <QTimer>

#include <algorithm>

namespace accel {

namespace {
constexpr qint64 kProbeIntervalMs = 1000;
constexpr int kProbeFloats = 16;
constexpr int kCrashAttributionMs = 300;
constexpr std::size_t kLatencyHistory =
    200; ///< baseline window (the recent one: kRecentLatencies, ResourcePoolMaintenance.cpp)
} // namespace

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
    closeSession(e, QStringLiteral("host lost"));
    releaseInstance(e);
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

} // namespace accel
