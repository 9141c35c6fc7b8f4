#pragma once

#include "cluster/etcd/EtcdError.h"
#include "cluster/etcd/EtcdTypes.h"

#include <QObject>
#include <QPointer>

class QNetworkAccessManager;
class QNetworkReply;
class QTimer;

namespace accel {

class EtcdClient;

/// One etcd watch over /v3/watch as a chunked HTTP stream (one JSON object per line; verified on
/// etcd 3.4.23). Created by EtcdClient::watch(); lives on the client's thread; the client must
/// outlive it. Owns its own QNetworkAccessManager so a long-lived stream never occupies one of
/// the client's connection slots.
///
/// Resilience: when the stream ends, errors, or its member stops answering a liveness probe
/// (default every 1000 ms — a SIGSTOPped member keeps the TCP stream open but silent), the watch
/// reconnects through the client's next endpoint with start_revision = last seen revision + 1, so no
/// event is lost or repeated. If that revision was compacted it emits failed(Compacted) and stops.
class EtcdWatch : public QObject
{
    Q_OBJECT
public:
    EtcdWatch(EtcdClient *client, const EtcdWatchCreateRequest &request, QObject *parent = nullptr);
    ~EtcdWatch() override;

    /// Revision of the last event or header seen; 0 before the watch was created.
    qint64 lastRevision() const { return m_lastRevision; }
    bool isCreated() const { return m_created; }
    void setLivenessIntervalMs(int ms);
    void cancel();

Q_SIGNALS:
    /// The server confirmed the watch (again after a reconnect); `revision` is the header revision.
    void created(qint64 revision);
    void events(const QList<accel::EtcdWatchEvent> &events, qint64 revision);
    /// Terminal: compacted, canceled by the server, or a protocol error. No further signals.
    void failed(const accel::EtcdError &error);

private:
    void connectStream();
    void onReadyRead();
    void onFinished();
    void handleMessage(const QByteArray &line);
    void scheduleReconnect();
    void probe();
    void stopStream();

    QPointer<EtcdClient> m_client;
    EtcdWatchCreateRequest m_request;
    QNetworkAccessManager *m_network = nullptr;
    QNetworkReply *m_reply = nullptr;
    QTimer *m_liveness = nullptr;
    QByteArray m_buffer;
    QString m_endpoint;
    qint64 m_lastRevision = 0;
    bool m_created = false;
    bool m_done = false;
    bool m_probeInFlight = false;
    int m_failures = 0;
};

} // namespace accel
