// PipelineExecutor's recovery ladder: retry in place, move a stage to a spare or another host
// (chosen like ShardPlanner::replan), replay its requests, time out runs and deployments, and
// follow hosts that leave or join. The request flow itself is in PipelineExecutor.cpp.
#include "sharding/PipelineExecutor.h"

#include "common/Clock.h"
#include "hosts/HostSession.h"
#include "hosts/RuntimeServer.h"
#include "model/HostModelClient.h"
#include "model/ModelWeights.h"
#include "pool/ResourcePool.h"
#include "sharding/ShardPlanner.h"

#include <QLoggingCategory>

namespace accel {

Q_DECLARE_LOGGING_CATEGORY(lcPipeline)

void PipelineExecutor::retryOrMove(int index, quint64 requestId, const QString &why, bool hostFault)
{
    Stage &stage = m_stages[std::size_t(index)];
    auto rit = m_requests.find(requestId);
    if (rit == m_requests.end()) {
        return;
    }
    Request &r = rit->second;
    r.hostRequest = 0;
    dropLinkedRun(r);
    if (r.attempts >= m_config.maxAttempts) {
        failRequest(requestId, tr("stage %1 failed %2 times; last: %3").arg(index).arg(r.attempts).arg(why));
        pump();
        return;
    }
    if (!hostFault && r.retriesInPlace < m_config.maxRetriesInPlace) {
        r.retriesInPlace += 1;
        Q_EMIT recoveryEvent(tr("request %1: retrying stage %2 on %3 (%4)")
                                 .arg(requestId)
                                 .arg(index)
                                 .arg(stage.spec.hostId, why));
        requeue(stage, requestId);
        pump();
        return;
    }
    requeue(stage, requestId);
    if (!stage.recovering) {
        moveStage(index, why);
    }
}

void PipelineExecutor::requeue(Stage &stage, quint64 requestId)
{
    // Oldest first: replayed requests keep their submission order.
    auto pos = std::lower_bound(stage.queue.begin(), stage.queue.end(), requestId);
    if (pos == stage.queue.end() || *pos != requestId) {
        stage.queue.insert(pos, requestId);
    }
}

void PipelineExecutor::moveStage(int index, const QString &why)
{
    Stage &stage = m_stages[std::size_t(index)];
    const QString oldHost = stage.spec.hostId;
    if (stage.failedAtMs < 0) {
        stage.failedAtMs = m_clock->nowMs();
    }
    stage.recovering = true;
    stage.ready = false;
    stage.triedHosts.insert(oldHost);
    // Everything in flight on the old host is replayed from its last completed stage.
    for (auto it = stage.inFlight.cbegin(); it != stage.inFlight.cend(); ++it) {
        auto rit = m_requests.find(it.value());
        if (rit != m_requests.end()) {
            rit->second.hostRequest = 0;
            dropLinkedRun(rit->second);
            if (m_pool) { // each granted call gets exactly one outcome
                m_pool->recordFailure(oldHost, ErrorCategory::ConnectionLost,
                                      qint64(double(m_clock->nowMs() - rit->second.sentMs) * 1e6));
            }
        }
        requeue(stage, it.value());
    }
    stage.inFlight.clear();
    // Linked runs reserved on the old host: their requests go through this stage's queue once
    // the previous stage's copy arrives.
    for (auto it = stage.expected.cbegin(); it != stage.expected.cend(); ++it) {
        auto rit = m_requests.find(it.value());
        if (rit != m_requests.end()) {
            rit->second.linkedRun = 0;
            rit->second.hasEarly = false;
        }
        if (stage.client) {
            stage.client->abandon(it.key());
        }
    }
    stage.expected.clear();
    if (stage.client) {
        stage.client->disconnect(this);
        stage.client->deleteLater();
        stage.client = nullptr;
    }
    const QString next = pickHost(index);
    updateState();
    if (next.isEmpty()) {
        Q_EMIT recoveryEvent(
            tr("stage %1 lost %2 (%3); no other host is usable: %4 request(s) wait for a host")
                .arg(index)
                .arg(oldHost, why)
                .arg(stage.queue.size()));
        return;
    }
    m_spares.removeAll(next);
    Q_EMIT recoveryEvent(tr("stage %1 (layers %2:%3) moves from %4 to %5 (%6)")
                             .arg(index)
                             .arg(stage.spec.firstLayer)
                             .arg(stage.spec.lastLayer)
                             .arg(oldHost, next, why));
    deployStage(index, next);
}

QString PipelineExecutor::pickHost(int index) const
{
    const Stage &stage = m_stages[std::size_t(index)];
    auto usable = [&](const QString &hostId) {
        HostSession *s = m_server->session(hostId);
        if (!s || !s->isReady() || stage.triedHosts.contains(hostId)) {
            return false;
        }
        if (m_pool) {
            const auto info = m_pool->host(hostId);
            if (info && info->breaker == BreakerState::Open) {
                return false;
            }
        }
        return true;
    };
    // A spare or an unused host: the same choice ShardPlanner::replan makes for the console's plans
    // (spares first; among candidates the one that keeps the bottleneck lowest by measured speed).
    const ShardPlanner planner(ShardModelFacts::fromConfig(m_package->weights().config()));
    ShardPlan plan;
    plan.layerCount = m_package->layerCount();
    plan.spareHostIds = m_spares;
    QHash<QString, double> msPerLayer; // measured on this pipeline's stages
    for (const Stage &s : m_stages) {
        ShardStage planned;
        planned.firstLayer = s.spec.firstLayer;
        planned.lastLayer = s.spec.lastLayer;
        planned.hostId = s.spec.hostId;
        if (s.stats.runs > 0 && s.spec.lastLayer > s.spec.firstLayer) {
            planned.msPerLayer = s.stats.meanMs / (s.spec.lastLayer - s.spec.firstLayer);
            planned.measured = true;
            msPerLayer.insert(s.spec.hostId, planned.msPerLayer);
        }
        plan.stages.append(planned);
    }
    // Free weight memory from each page's last metrics. This model's ranges a host already holds
    // count as free (a redeployment of the model replaces those tensors), so the surviving
    // stages still fit their hosts in the planner's check; unknown memory (-1) does not limit.
    QHash<QString, qint64> held;
    for (const Stage &s : m_stages) {
        if (s.spec.lastLayer > s.spec.firstLayer) {
            held[s.spec.hostId] +=
                planner.stageMemoryBytes(s.spec.lastLayer - s.spec.firstLayer, s.spec.firstLayer == 0,
                                         s.spec.lastLayer >= plan.layerCount);
        }
    }
    QList<ShardHost> hosts;
    QSet<QString> listed;
    for (HostSession *s : m_server->sessions()) {
        ShardHost h;
        h.id = s->id();
        h.kind = s->kind();
        h.msPerLayer = msPerLayer.value(h.id, -1);
        h.freeMemoryBytes =
            freeWeightBytes(s->weightBytes(), s->reportedWeightLimitBytes(), held.value(h.id));
        h.usable = usable(h.id);
        hosts.append(h);
        listed.insert(h.id);
    }
    for (const ShardStage &planned : std::as_const(plan.stages)) { // gone hosts are candidates too,
        if (!listed.contains(planned.hostId)) {                    // just not usable ones
            ShardHost gone;
            gone.id = planned.hostId;
            gone.usable = false;
            hosts.append(gone);
            listed.insert(gone.id);
        }
    }
    ShardError error;
    const auto replanned =
        planner.replan(plan, {ShardHostEvent::Kind::Failed, stage.spec.hostId}, hosts, &error);
    if (replanned && (replanned->action == ShardReplanAction::MovedToSpare ||
                      replanned->action == ShardReplanAction::MovedToHost)) {
        const QString chosen = replanned->plan.stages.at(index).hostId;
        if (usable(chosen)) {
            return chosen;
        }
    } else if (!replanned) {
        // E.g. a host already holds two ranges after an earlier recovery (plans never do that):
        // take the first usable spare or unused host.
        qCInfo(lcPipeline).noquote() << "re-plan for stage" << index << "refused:" << error.message;
        for (const bool sparesOnly : {true, false}) {
            for (const ShardHost &h : std::as_const(hosts)) {
                if (h.usable && plan.stageOfHost(h.id) < 0 && (!sparesOnly || m_spares.contains(h.id))) {
                    return h.id;
                }
            }
        }
    }
    // No free host: a surviving stage's host takes this range too (it holds two ranges), which
    // the planner never proposes (its plans give each stage its own host).
    for (const Stage &s : m_stages) {
        if (&s != &stage && s.ready && usable(s.spec.hostId)) {
            return s.spec.hostId;
        }
    }
    return {};
}

void PipelineExecutor::onSessionClosed(const QString &hostId)
{
    m_spares.removeAll(hostId);
    for (int i = 0; i < int(m_stages.size()); ++i) {
        Stage &stage = m_stages[std::size_t(i)];
        if (stage.spec.hostId == hostId && !stage.recovering && m_started) {
            // In-flight runs fail with host_lost through the client as well; moving once is enough.
            moveStage(i, tr("host %1 disconnected").arg(hostId));
        }
    }
}

void PipelineExecutor::onSessionOpened()
{
    // A host joined: stages waiting for one (no usable host earlier) recover now.
    for (int i = 0; i < int(m_stages.size()); ++i) {
        Stage &stage = m_stages[std::size_t(i)];
        if (stage.recovering && !stage.client) {
            stage.triedHosts.clear();
            const QString next = pickHost(i);
            if (!next.isEmpty()) {
                Q_EMIT recoveryEvent(tr("host %1 joined: stage %2 deploys there").arg(next).arg(i));
                deployStage(i, next);
            }
        }
    }
}

void PipelineExecutor::checkTimeouts()
{
    const qint64 now = m_clock->nowMs();
    for (int i = 0; i < int(m_stages.size()); ++i) {
        Stage &stage = m_stages[std::size_t(i)];
        if (stage.client && !stage.ready && now - stage.deployStartedMs > m_config.deployTimeoutMs) {
            onDeployFailed(i, stage.client,
                           tr("deployment timed out after %1 ms").arg(m_config.deployTimeoutMs));
            continue;
        }
        QList<quint64> expired;
        for (auto it = stage.inFlight.cbegin(); it != stage.inFlight.cend(); ++it) {
            auto rit = m_requests.find(it.value());
            if (rit != m_requests.end() && now - rit->second.sentMs > m_config.stageTimeoutMs) {
                expired.append(it.key());
            }
        }
        for (quint64 hostRequest : expired) {
            const quint64 requestId = stage.inFlight.take(hostRequest);
            if (stage.client) {
                stage.client->cancel(hostRequest);
            }
            if (m_pool) {
                m_pool->recordFailure(stage.spec.hostId, ErrorCategory::Timeout,
                                      qint64(m_config.stageTimeoutMs) * 1000000);
            }
            retryOrMove(i, requestId, tr("no answer within %1 ms").arg(m_config.stageTimeoutMs), false);
        }
    }
}

} // namespace accel
