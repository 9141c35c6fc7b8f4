// PipelineExecutor's direct hops (docs/host-protocol.md, "Links"): where two adjacent stages'
// pages share a browser profile, the first stage's compute worker posts its output straight to
// the second's over a MessagePort, and the app receives a copy of it to replay from if the second
// page is lost. The rest of the executor (PipelineExecutor.cpp) treats a linked run like any
// other run of the next stage once that copy has arrived.
#include "sharding/PipelineExecutor.h"

#include "hosts/HostSession.h"
#include "model/HostModelClient.h"
#include "pool/ResourcePool.h"

#include <QLoggingCategory>

namespace accel {

Q_DECLARE_LOGGING_CATEGORY(lcPipeline)

bool PipelineExecutor::linkUsable(int index) const
{
    if (index < 0 || index + 1 >= int(m_stages.size())) {
        return false;
    }
    const Stage &stage = m_stages[std::size_t(index)];
    const Stage &next = m_stages[std::size_t(index + 1)];
    return !stage.link.isEmpty() && stage.linkPeer == next.spec.hostId && next.ready && next.client &&
           next.client->isDeployed();
}

void PipelineExecutor::ensureLinks()
{
    if (!m_config.directHops) {
        return;
    }
    for (int i = 0; i + 1 < int(m_stages.size()); ++i) {
        Stage &stage = m_stages[std::size_t(i)];
        const Stage &next = m_stages[std::size_t(i + 1)];
        if (!stage.ready || !stage.client || !stage.client->session() || !next.ready) {
            continue;
        }
        const QString &peer = next.spec.hostId;
        if (stage.linkPeer == peer && (!stage.link.isEmpty() || stage.linkRequest != 0)) {
            continue; // linked, or asked
        }
        if (peer == stage.spec.hostId) {
            stage.linkReason = tr("both stages run on %1").arg(peer);
            continue;
        }
        if (stage.linkRefused.contains(peer)) {
            continue;
        }
        stage.link.clear();
        stage.linkPeer = peer;
        stage.pendingLink = QStringLiteral("%1-%2-%3").arg(m_linkPrefix).arg(i).arg(++m_linkSerial);
        stage.linkRequest = stage.client->session()->requestLink(peer, stage.pendingLink);
        if (stage.linkRequest == 0) {
            stage.linkRefused.insert(peer);
            stage.linkReason = tr("%1 could not be asked for a link").arg(stage.spec.hostId);
        }
    }
}

void PipelineExecutor::onLinked(int index, HostModelClient *client, quint64 requestId, const QString &link)
{
    Stage &stage = m_stages[std::size_t(index)];
    if (stage.client != client || requestId == 0 || requestId != stage.linkRequest ||
        link != stage.pendingLink) {
        return;
    }
    stage.linkRequest = 0;
    stage.link = link;
    stage.linkReason.clear();
    qCInfo(lcPipeline).noquote() << "stage" << index << "hands its output from" << stage.spec.hostId << "to"
                                 << stage.linkPeer << "directly (link" << link << ")";
    pump();
}

void PipelineExecutor::onLinkRefused(int index, HostModelClient *client, quint64 requestId,
                                     const QString &reason)
{
    Stage &stage = m_stages[std::size_t(index)];
    if (stage.client != client || requestId == 0 || requestId != stage.linkRequest) {
        return; // an error about something else (runs are the client's)
    }
    stage.linkRequest = 0;
    stage.linkRefused.insert(stage.linkPeer);
    stage.linkReason = reason;
    qCInfo(lcPipeline).noquote() << "stage" << index
                                 << "relays its output through the app:" << stage.spec.hostId
                                 << "cannot link to" << stage.linkPeer << "(" << reason << ")";
    stage.linkPeer.clear();
}

void PipelineExecutor::dropLinkedRun(Request &r)
{
    if (r.linkedRun == 0) {
        return;
    }
    if (r.stage + 1 < int(m_stages.size())) {
        Stage &next = m_stages[std::size_t(r.stage + 1)];
        next.expected.remove(r.linkedRun);
        if (next.client) {
            next.client->abandon(r.linkedRun);
        }
    }
    r.linkedRun = 0;
    r.hasEarly = false;
    r.early.clear();
}

void PipelineExecutor::advance(int index, Request &r, const QByteArray &hidden, qint64 now)
{
    Stage &stage = m_stages[std::size_t(index)];
    Stage &next = m_stages[std::size_t(index + 1)];
    const quint64 linked = std::exchange(r.linkedRun, 0);
    const bool onNextPage = linked != 0 && (next.expected.remove(linked) > 0 || r.hasEarly);
    r.stage = index + 1;
    r.input = hidden; // kept for a replay of the next stage
    r.hostRequest = 0;
    r.attempts = 0;
    r.retriesInPlace = 0;
    if (onNextPage && (!m_pool || m_pool->tryAcquire(next.spec.hostId).granted)) {
        r.hostRequest = linked;
        r.sentMs = now;
        r.attempts = 1;
        next.inFlight.insert(linked, r.id);
        next.stats.bytesSent += hidden.size();
        stage.stats.linkedRuns += 1;
        return;
    }
    if (onNextPage && next.client) { // the breaker refuses: the queue's path moves the stage
        next.client->abandon(linked);
    }
    r.hasEarly = false;
    r.early.clear();
    next.queue.push_back(r.id);
}

} // namespace accel
