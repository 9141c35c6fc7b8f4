#include "sharding/PipelineExecutor.h"

#include "common/Clock.h"
#include "hosts/HostSession.h"
#include "hosts/RuntimeServer.h"
#include "model/HostModelClient.h"
#include "model/ModelWeights.h"
#include "pool/ResourcePool.h"

#include <QJsonObject>
#include <QLoggingCategory>
#include <QTimer>
#include <QUuid>

namespace accel {

Q_LOGGING_CATEGORY(lcPipeline, "accel.sharding.pipeline")

namespace {

constexpr int kTickMs = 50;

ErrorCategory categoryOf(const QString &code)
{
    if (code == QLatin1String("host_lost")) {
        return ErrorCategory::ConnectionLost;
    }
    if (code == QLatin1String("timeout")) {
        return ErrorCategory::Timeout;
    }
    if (code == QLatin1String("device_lost")) {
        return ErrorCategory::GpuDeviceLost;
    }
    if (code == QLatin1String("wrong_type") || code == QLatin1String("bad_result")) {
        return ErrorCategory::Protocol;
    }
    return ErrorCategory::Model;
}

} // namespace

PipelineExecutor::PipelineExecutor(RuntimeServer *server, std::shared_ptr<ModelPackage> package,
                                   Config config, const Clock *clock, QObject *parent)
    : QObject(parent)
    , m_server(server)
    , m_package(std::move(package))
    , m_config(config)
    , m_clock(clock)
    , m_timer(new QTimer(this))
    , m_linkPrefix(QUuid::createUuid().toString(QUuid::Id128).left(12))
{
    m_timer->setInterval(kTickMs);
    connect(m_timer, &QTimer::timeout, this, &PipelineExecutor::checkTimeouts);
    connect(m_server, &RuntimeServer::sessionClosed, this,
            [this](const QString &hostId) { onSessionClosed(hostId); });
    connect(m_server, &RuntimeServer::sessionOpened, this, [this] { onSessionOpened(); });
}

PipelineExecutor::~PipelineExecutor() = default;

void PipelineExecutor::setPool(ResourcePool *pool)
{
    m_pool = pool;
}

QString PipelineExecutor::stateName(State state)
{
    switch (state) {
    case State::Idle:
        return QStringLiteral("idle");
    case State::Deploying:
        return QStringLiteral("deploying");
    case State::Ready:
        return QStringLiteral("ready");
    case State::Recovering:
        return QStringLiteral("recovering");
    case State::Failed:
        return QStringLiteral("failed");
    }
    return QStringLiteral("unknown");
}

bool PipelineExecutor::start(const QList<PipelineStage> &stages, const QStringList &spares, QString *error)
{
    auto fail = [error](const QString &message) {
        if (error) {
            *error = message;
        }
        return false;
    };
    if (m_started) {
        return fail(QStringLiteral("the pipeline is already started"));
    }
    if (stages.isEmpty()) {
        return fail(QStringLiteral("a pipeline needs at least one stage"));
    }
    int expected = 0;
    for (const PipelineStage &s : stages) {
        if (s.firstLayer != expected || s.lastLayer <= s.firstLayer) {
            return fail(
                QStringLiteral("stage ranges must be contiguous and non-empty from layer 0 (stage %1:%2)")
                    .arg(s.firstLayer)
                    .arg(s.lastLayer));
        }
        if (s.threads < 0 || s.threads > hostproto::kMaxModelThreads) {
            return fail(QStringLiteral("stage %1:%2 asks for %3 threads (0 = auto, or 1..%4)")
                            .arg(s.firstLayer)
                            .arg(s.lastLayer)
                            .arg(s.threads)
                            .arg(hostproto::kMaxModelThreads));
        }
        if (!m_server->session(s.hostId)) {
            return fail(QStringLiteral("host %1 is not connected").arg(s.hostId));
        }
        expected = s.lastLayer;
    }
    if (expected != m_package->layerCount()) {
        return fail(QStringLiteral("the stages cover layers 0:%1 of a %2-layer model")
                        .arg(expected)
                        .arg(m_package->layerCount()));
    }
    m_started = true;
    m_spares = spares;
    m_stages.resize(std::size_t(stages.size()));
    setState(State::Deploying);
    for (int i = 0; i < stages.size(); ++i) {
        m_stages[std::size_t(i)].spec = stages[i];
        deployStage(i, stages[i].hostId);
    }
    m_timer->start();
    return true;
}

quint64 PipelineExecutor::submit(const std::vector<int> &tokens)
{
    if (!m_started || tokens.empty() || m_state == State::Failed) {
        return 0;
    }
    Request r;
    r.id = m_nextRequest++;
    r.tokens = tokens;
    r.seqLen = int(tokens.size());
    r.submittedMs = m_clock->nowMs();
    m_stages.front().queue.push_back(r.id);
    m_requests.emplace(r.id, std::move(r));
    pump();
    return m_nextRequest - 1;
}

QList<PipelineStage> PipelineExecutor::stages() const
{
    QList<PipelineStage> out;
    for (const Stage &s : m_stages) {
        out.append(s.spec);
    }
    return out;
}

QList<PipelineExecutor::StageStats> PipelineExecutor::stageStats() const
{
    QList<StageStats> out;
    for (const Stage &s : m_stages) {
        StageStats st = s.stats;
        st.hostId = s.spec.hostId;
        st.firstLayer = s.spec.firstLayer;
        st.lastLayer = s.spec.lastLayer;
        st.ready = s.ready;
        st.queued = int(s.queue.size());
        st.inFlight = int(s.inFlight.size());
        const int index = int(out.size());
        if (index + 1 < int(m_stages.size())) {
            st.hop = linkUsable(index) ? QStringLiteral("direct") : QStringLiteral("relay");
            st.hopReason = linkUsable(index) ? QString() : s.linkReason;
        }
        out.append(st);
    }
    return out;
}

void PipelineExecutor::setState(State state)
{
    if (m_state != state) {
        m_state = state;
        Q_EMIT stateChanged(state);
    }
}

void PipelineExecutor::deployStage(int index, const QString &hostId)
{
    Stage &stage = m_stages[std::size_t(index)];
    if (stage.client) {
        stage.client->disconnect(this);
        stage.client->deleteLater();
        stage.client = nullptr;
    }
    stage.ready = false;
    stage.spec.hostId = hostId;
    stage.deployStartedMs = m_clock->nowMs();
    stage.link.clear(); // links belong to the page: a new host needs its own
    stage.linkPeer.clear();
    stage.linkRequest = 0;
    stage.linkRefused.clear();
    HostSession *session = m_server->session(hostId);
    auto *client = new HostModelClient(session, m_package, this);
    client->setTiming(m_config.timing);
    stage.client = client;
    if (session) {
        connect(
            session, &HostSession::linked, client,
            [this, index, client](quint64 id, const QString &link) { onLinked(index, client, id, link); });
        connect(session, &HostSession::hostError, client,
                [this, index, client](quint64 id, const QString &code, const QString &message) {
                    onLinkRefused(index, client, id, code + QStringLiteral(": ") + message);
                });
    }
    connect(client, &HostModelClient::deployed, this, [this, index, client] { onDeployed(index, client); });
    connect(client, &HostModelClient::deployFailed, this,
            [this, index, client](const QString &message) { onDeployFailed(index, client, message); });
    connect(client, &HostModelClient::finished, this,
            [this, index, client](quint64 id, const QByteArray &hidden, int seqLen) {
                onFinished(index, client, id, hidden, seqLen);
            });
    connect(client, &HostModelClient::failed, this,
            [this, index, client](quint64 id, const QString &code, const QString &message) {
                onFailed(index, client, id, code, message);
            });
    ModelError error;
    HostModelClient::DeployOptions options;
    options.backend = stage.spec.backend;
    options.threads = stage.spec.threads;
    if (!client->deploy(stage.spec.firstLayer, stage.spec.lastLayer, index == 0, options, &error)) {
        // Reported asynchronously so callers see one path for every deployment failure.
        QTimer::singleShot(0, this, [this, index, client, message = error.message] {
            onDeployFailed(index, client, message);
        });
    }
}

void PipelineExecutor::onDeployed(int index, HostModelClient *client)
{
    Stage &stage = m_stages[std::size_t(index)];
    if (stage.client != client) {
        return;
    }
    stage.ready = true;
    stage.recovering = false;
    stage.triedHosts.clear();
    stage.stats.backend = client->deployInfo().value(QLatin1String("backend")).toString();
    stage.stats.threads = client->deployInfo().value(QLatin1String("threads")).toInt();
    qCInfo(lcPipeline).noquote() << "stage" << index << "layers" << stage.spec.firstLayer << ":"
                                 << stage.spec.lastLayer << "ready on" << stage.spec.hostId
                                 << stage.stats.backend << "after"
                                 << (m_clock->nowMs() - stage.deployStartedMs) << "ms";
    if (stage.failedAtMs >= 0) {
        Q_EMIT recoveryEvent(tr("stage %1 redeployed on %2 in %3 ms; replaying %4 request(s)")
                                 .arg(index)
                                 .arg(stage.spec.hostId)
                                 .arg(m_clock->nowMs() - stage.deployStartedMs)
                                 .arg(stage.queue.size()));
    }
    updateState();
    pump();
}

void PipelineExecutor::onDeployFailed(int index, HostModelClient *client, const QString &message)
{
    Stage &stage = m_stages[std::size_t(index)];
    if (stage.client != client || m_state == State::Failed) {
        return;
    }
    qCWarning(lcPipeline).noquote() << "stage" << index << "deployment on" << stage.spec.hostId
                                    << "failed:" << message;
    if (m_state == State::Deploying && stage.failedAtMs < 0) {
        // The initial plan does not deploy: the operator must see why, nothing was accepted yet
        // except queued requests, which stay queued for a retry of start() on other hosts.
        setState(State::Failed);
        m_timer->stop();
        Q_EMIT startFailed(tr("stage %1 (layers %2:%3) could not be deployed on %4: %5")
                               .arg(index)
                               .arg(stage.spec.firstLayer)
                               .arg(stage.spec.lastLayer)
                               .arg(stage.spec.hostId, message));
        return;
    }
    stage.triedHosts.insert(stage.spec.hostId);
    Q_EMIT recoveryEvent(
        tr("redeploying stage %1 on %2 failed: %3").arg(index).arg(stage.spec.hostId, message));
    moveStage(index, message);
}

void PipelineExecutor::onFinished(int index, HostModelClient *client, quint64 hostRequest,
                                  const QByteArray &hidden, int seqLen)
{
    Stage &stage = m_stages[std::size_t(index)];
    if (stage.client != client) {
        return;
    }
    const auto it = stage.inFlight.constFind(hostRequest);
    if (it == stage.inFlight.constEnd()) {
        const auto eit = stage.expected.constFind(hostRequest);
        if (eit != stage.expected.constEnd()) {
            // A linked run answered before the previous stage's copy of its input came back (the
            // copy leaves first, on another connection): keep the output until it does.
            auto rit = m_requests.find(*eit);
            stage.expected.erase(eit);
            if (rit != m_requests.end()) {
                rit->second.hasEarly = true;
                rit->second.early = hidden;
                rit->second.earlySeqLen = seqLen;
            }
        }
        return; // otherwise an abandoned attempt (timed out and retried): its answer does not count
    }
    const quint64 requestId = *it;
    stage.inFlight.erase(it);
    auto rit = m_requests.find(requestId);
    if (rit == m_requests.end()) {
        return;
    }
    Request &r = rit->second;
    const qint64 now = m_clock->nowMs();
    const double ms = double(now - r.sentMs);
    if (m_pool) { // before pump(): a half-open breaker admits the next call only after this success
        m_pool->recordSuccess(stage.spec.hostId, qint64(ms * 1e6));
    }
    if (seqLen != r.seqLen) {
        failRequest(
            requestId,
            tr("stage %1 returned %2 positions for a %3-token request").arg(index).arg(seqLen).arg(r.seqLen));
    } else if (index + 1 == int(m_stages.size())) {
        const qint64 latency = now - r.submittedMs;
        const quint64 id = r.id;
        m_requests.erase(rit);
        ++m_completed;
        Q_EMIT requestFinished(id, hidden, seqLen, latency);
    } else {
        advance(index, r, hidden, now);
    }
    // The activation goes on to the next stage first; statistics and the signals dashboards
    // listen to are not on a hop's path.
    pump();
    recordCompletion(index, ms, now, hidden.size());
    // A linked run that answered before this copy arrived is delivered now.
    rit = m_requests.find(requestId);
    if (rit != m_requests.end() && rit->second.hasEarly && rit->second.stage == index + 1 &&
        rit->second.hostRequest != 0) {
        Request &next = rit->second;
        next.hasEarly = false;
        const QByteArray early = std::exchange(next.early, {});
        const Stage &nextStage = m_stages[std::size_t(index + 1)];
        onFinished(index + 1, nextStage.client, next.hostRequest, early, next.earlySeqLen);
    }
}

void PipelineExecutor::recordCompletion(int index, double ms, qint64 now, qint64 bytes)
{
    if (index >= int(m_stages.size())) {
        return; // a listener of requestFinished restarted the pipeline with fewer stages
    }
    Stage &stage = m_stages[std::size_t(index)];
    stage.stats.runs += 1;
    stage.stats.lastMs = ms;
    stage.stats.meanMs = stage.stats.runs == 1 ? ms : 0.8 * stage.stats.meanMs + 0.2 * ms;
    stage.stats.bytesReceived += bytes;
    Q_EMIT stageCompleted(index, ms);
    if (stage.failedAtMs >= 0) {
        const qint64 recoveryMs = now - stage.failedAtMs;
        stage.failedAtMs = -1;
        stage.stats.recoveries += 1;
        Q_EMIT recoveryEvent(tr("stage %1 answers again on %2, %3 ms after the failure was detected")
                                 .arg(index)
                                 .arg(stage.spec.hostId)
                                 .arg(recoveryMs));
        Q_EMIT recovered(index, stage.spec.hostId, recoveryMs);
    }
}

void PipelineExecutor::onFailed(int index, HostModelClient *client, quint64 hostRequest, const QString &code,
                                const QString &message)
{
    Stage &stage = m_stages[std::size_t(index)];
    if (stage.client != client) {
        return;
    }
    const auto it = stage.inFlight.constFind(hostRequest);
    if (it == stage.inFlight.constEnd()) {
        const auto eit = stage.expected.constFind(hostRequest);
        if (eit != stage.expected.constEnd()) {
            // A linked run failed before its input's copy came back: the request goes through
            // this stage's queue then (a lost host is moved by the session's close).
            auto rit = m_requests.find(*eit);
            stage.expected.erase(eit);
            if (rit != m_requests.end()) {
                rit->second.linkedRun = 0;
                rit->second.hasEarly = false;
            }
            qCInfo(lcPipeline).noquote()
                << "stage" << index << "linked run failed on" << stage.spec.hostId << code << message;
        }
        return;
    }
    const quint64 requestId = *it;
    stage.inFlight.erase(it);
    auto rit = m_requests.find(requestId);
    if (code == QLatin1String("unknown_link")) { // the page lost the link: relay from now on
        stage.link.clear();
        stage.linkPeer.clear();
        stage.linkReason = message;
    }
    if (m_pool && rit != m_requests.end()) {
        m_pool->recordFailure(stage.spec.hostId, categoryOf(code),
                              qint64(double(m_clock->nowMs() - rit->second.sentMs) * 1e6));
    }
    const bool hostFault = code == QLatin1String("host_lost") || code == QLatin1String("device_lost");
    retryOrMove(index, requestId, code + QStringLiteral(": ") + message, hostFault);
}

void PipelineExecutor::failRequest(quint64 requestId, const QString &why)
{
    auto rit = m_requests.find(requestId);
    if (rit == m_requests.end()) {
        return;
    }
    dropLinkedRun(rit->second);
    m_requests.erase(rit);
    qCWarning(lcPipeline).noquote() << "request" << requestId << "failed:" << why;
    Q_EMIT requestFailed(requestId, why);
}

void PipelineExecutor::pump()
{
    ensureLinks();
    for (int i = 0; i < int(m_stages.size()); ++i) {
        Stage &stage = m_stages[std::size_t(i)];
        while (stage.ready && stage.client && !stage.queue.empty() &&
               int(stage.inFlight.size()) < m_config.maxInFlightPerStage) {
            const quint64 requestId = stage.queue.front();
            auto rit = m_requests.find(requestId);
            if (rit == m_requests.end()) {
                stage.queue.pop_front();
                continue;
            }
            Request &r = rit->second;
            if (m_pool && !m_pool->tryAcquire(stage.spec.hostId).granted) {
                moveStage(i, tr("the breaker of %1 refuses calls").arg(stage.spec.hostId));
                break;
            }
            // With a link to the next stage's page, that page gets the output straight away: its
            // run is reserved now and named in this run's `forward`.
            QJsonObject forward;
            quint64 linked = 0;
            if (linkUsable(i)) {
                Stage &next = m_stages[std::size_t(i + 1)];
                if (int(next.inFlight.size() + next.expected.size()) < m_config.maxInFlightPerStage) {
                    QJsonObject run;
                    linked = next.client->reserveLinkedRun(&run);
                    if (linked != 0) {
                        forward =
                            QJsonObject{{QStringLiteral("link"), stage.link}, {QStringLiteral("run"), run}};
                    }
                }
            }
            const quint64 hostRequest = i == 0 ? stage.client->runTokens(r.tokens, forward)
                                               : stage.client->runHiddenBytes(r.input, r.seqLen, forward);
            if (linked != 0) {
                if (hostRequest != 0) {
                    m_stages[std::size_t(i + 1)].expected.insert(linked, requestId);
                    r.linkedRun = linked;
                } else {
                    m_stages[std::size_t(i + 1)].client->abandon(linked);
                }
            }
            if (hostRequest == 0) {
                if (m_pool) {
                    m_pool->recordFailure(stage.spec.hostId, ErrorCategory::ConnectionLost, 0);
                }
                moveStage(i, tr("could not send to %1").arg(stage.spec.hostId));
                break;
            }
            stage.queue.pop_front();
            r.hostRequest = hostRequest;
            r.sentMs = m_clock->nowMs();
            r.attempts += 1;
            stage.inFlight.insert(hostRequest, requestId);
            stage.stats.bytesSent += i == 0 ? qint64(r.tokens.size() * sizeof(int)) : r.input.size();
        }
    }
}

void PipelineExecutor::updateState()
{
    if (m_state == State::Failed) {
        return;
    }
    bool allReady = true;
    bool anyRecovering = false;
    for (const Stage &s : m_stages) {
        allReady = allReady && s.ready;
        anyRecovering = anyRecovering || s.recovering;
    }
    if (allReady) {
        const bool first = m_state == State::Deploying;
        setState(State::Ready);
        if (first) {
            Q_EMIT ready();
        }
    } else if (anyRecovering) {
        setState(State::Recovering);
    }
}

} // namespace accel
