#include "cluster/etcd/EtcdWatch.h"

#include "cluster/etcd/EtcdClient.h"
#include "cluster/etcd/EtcdCodec.h"
#include "common/LogCategories.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTimer>
#include <QUrl>

namespace accel {

namespace {
constexpr qsizetype kMaxLineBytes = EtcdCodec::kMaxBodyBytes;
}

EtcdWatch::EtcdWatch(EtcdClient *client, const EtcdWatchCreateRequest &request, QObject *parent)
    : QObject(parent)
    , m_client(client)
    , m_request(request)
    , m_network(new QNetworkAccessManager(this))
    , m_liveness(new QTimer(this))
{
    m_lastRevision = request.startRevision > 0 ? request.startRevision - 1 : 0;
    m_liveness->setInterval(1000);
    connect(m_liveness, &QTimer::timeout, this, &EtcdWatch::probe);
    QTimer::singleShot(0, this, &EtcdWatch::connectStream);
}

EtcdWatch::~EtcdWatch()
{
    m_done = true;
    stopStream();
}

void EtcdWatch::setLivenessIntervalMs(int ms)
{
    m_liveness->setInterval(ms);
}

void EtcdWatch::cancel()
{
    m_done = true;
    m_liveness->stop();
    stopStream();
}

void EtcdWatch::stopStream()
{
    if (m_reply) {
        QNetworkReply *reply = m_reply;
        m_reply = nullptr;
        disconnect(reply, nullptr, this, nullptr);
        reply->abort();
        reply->deleteLater();
    }
    m_buffer.clear();
}

void EtcdWatch::connectStream()
{
    if (m_done || !m_client) {
        return;
    }
    stopStream();
    m_endpoint = m_client->currentEndpoint();
    if (m_endpoint.isEmpty()) {
        EtcdError e;
        e.code = EtcdErrorCode::NoEndpoints;
        e.message = QStringLiteral("no etcd endpoints configured");
        m_done = true;
        Q_EMIT failed(e);
        return;
    }
    EtcdWatchCreateRequest request = m_request;
    if (m_lastRevision > 0) {
        request.startRevision = m_lastRevision + 1;
    }
    QNetworkRequest http(QUrl(m_endpoint + QStringLiteral("/v3/watch")));
    http.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    m_reply = m_network->post(http, EtcdCodec::encodeWatchCreate(request));
    connect(m_reply, &QNetworkReply::readyRead, this, &EtcdWatch::onReadyRead);
    connect(m_reply, &QNetworkReply::finished, this, &EtcdWatch::onFinished);
    m_liveness->start();
}

void EtcdWatch::onReadyRead()
{
    if (!m_reply) {
        return;
    }
    m_buffer += m_reply->readAll();
    qsizetype newline;
    while (!m_done && (newline = m_buffer.indexOf('\n')) >= 0) {
        const QByteArray line = m_buffer.left(newline).trimmed();
        m_buffer.remove(0, newline + 1);
        if (!line.isEmpty()) {
            handleMessage(line);
        }
    }
    if (m_buffer.size() > kMaxLineBytes) {
        qCWarning(lcCluster) << "etcd watch: message over" << kMaxLineBytes << "bytes; reconnecting";
        scheduleReconnect();
    }
}

void EtcdWatch::handleMessage(const QByteArray &line)
{
    const auto decoded = EtcdCodec::decodeWatch(line);
    if (!decoded.ok()) {
        const EtcdError &e = decoded.error();
        if (e.code == EtcdErrorCode::NoQuorum || e.code == EtcdErrorCode::Unknown) {
            qCInfo(lcCluster) << "etcd watch:" << e.toString() << "; reconnecting";
            scheduleReconnect();
            return;
        }
        m_done = true;
        stopStream();
        m_liveness->stop();
        Q_EMIT failed(e);
        return;
    }
    const EtcdWatchResponse &w = decoded.value();
    if (w.canceled || w.compactRevision > 0) {
        EtcdError e;
        e.code = w.compactRevision > 0 ? EtcdErrorCode::Compacted : EtcdErrorCode::Canceled;
        e.message = w.compactRevision > 0
                        ? QStringLiteral("watch start revision %1 was compacted (compact revision %2)")
                              .arg(m_lastRevision + 1)
                              .arg(w.compactRevision)
                        : QStringLiteral("etcd canceled the watch: %1").arg(w.cancelReason);
        e.endpoint = m_endpoint;
        m_done = true;
        stopStream();
        m_liveness->stop();
        Q_EMIT failed(e);
        return;
    }
    m_failures = 0;
    if (w.created) {
        m_created = true;
        if (m_lastRevision == 0) {
            m_lastRevision = w.header.revision;
        }
        Q_EMIT created(w.header.revision);
    }
    if (!w.events.isEmpty()) {
        qint64 revision = w.header.revision;
        for (const EtcdWatchEvent &e : w.events) {
            revision = qMax(revision, e.kv.modRevision);
        }
        m_lastRevision = qMax(m_lastRevision, revision);
        Q_EMIT events(w.events, revision);
    }
}

void EtcdWatch::onFinished()
{
    if (m_done) {
        return;
    }
    qCInfo(lcCluster) << "etcd watch stream on" << m_endpoint
                      << "ended:" << (m_reply ? m_reply->errorString() : QString()) << "; reconnecting";
    scheduleReconnect();
}

void EtcdWatch::scheduleReconnect()
{
    stopStream();
    if (m_done || !m_client) {
        return;
    }
    ++m_failures;
    // Move the client on from the endpoint that failed us, then reconnect (at once the first
    // time, then with a short pause so a dead cluster is not hammered).
    EtcdError error;
    error.code = EtcdErrorCode::Unreachable;
    error.message = QStringLiteral("watch stream lost");
    m_client->markEndpointFailed(m_endpoint, error);
    QTimer::singleShot(m_failures <= 1 ? 0 : qMin(500, 50 * m_failures), this, &EtcdWatch::connectStream);
}

void EtcdWatch::probe()
{
    if (m_done || !m_client || !m_reply || m_probeInFlight) {
        return;
    }
    m_probeInFlight = true;
    const QString probed = m_endpoint;
    m_client->statusOf(probed, this, [this, probed](const EtcdResult<EtcdStatusResponse> &status) {
        m_probeInFlight = false;
        if (m_done || probed != m_endpoint) {
            return;
        }
        if (!status.ok() || status.value().leader == 0) {
            qCInfo(lcCluster) << "etcd watch: member" << probed << "failed its liveness probe;"
                              << (status.ok() ? QStringLiteral("no leader") : status.error().toString());
            scheduleReconnect();
        }
    });
}

} // namespace accel
