#include "ProtocolHostFactory.h"

#include "hosts/HostProtocol.h"

#include <QJsonObject>
#include <QNetworkRequest>
#include <QUrlQuery>

namespace accel::test {

using namespace accel::hostproto;

ProtocolHostInstance::ProtocolHostInstance(QString hostId, HostKind kind, const QUrl &pageUrl,
                                           int heartbeatMs, QObject *parent)
    : HostInstance(parent)
    , m_hostId(std::move(hostId))
    , m_kind(kind)
{
    // Same URL the page derives: ws://host:port/ws?token&host&kind, with our page's origin.
    const QUrlQuery q(pageUrl);
    QUrl ws;
    ws.setScheme(QStringLiteral("ws"));
    ws.setHost(pageUrl.host());
    ws.setPort(pageUrl.port());
    ws.setPath(QStringLiteral("/ws"));
    QUrlQuery wq;
    wq.addQueryItem(QStringLiteral("token"), q.queryItemValue(QStringLiteral("token")));
    wq.addQueryItem(QStringLiteral("host"), q.queryItemValue(QStringLiteral("host")));
    wq.addQueryItem(QStringLiteral("kind"), q.queryItemValue(QStringLiteral("kind")));
    ws.setQuery(wq);
    QNetworkRequest request(ws);
    request.setRawHeader("Origin",
                         QStringLiteral("http://%1:%2").arg(pageUrl.host()).arg(pageUrl.port()).toUtf8());

    m_heartbeat.setInterval(heartbeatMs);
    connect(&m_heartbeat, &QTimer::timeout, this, [this]() {
        if (!m_silent) {
            m_socket.sendTextMessage(QString::fromUtf8(
                encodeControl(MessageType::Heartbeat, {{QStringLiteral("seq"), double(++m_seq)}})));
        }
    });
    connect(&m_socket, &QWebSocket::connected, this, [this]() {
        if (m_silent) {
            return;
        }
        QJsonObject caps{{QStringLiteral("userAgent"), QStringLiteral("ProtocolHost/1")},
                         {QStringLiteral("wasm"), QJsonObject{{QStringLiteral("simd"), true}}}};
        m_socket.sendTextMessage(
            QString::fromUtf8(encodeControl(MessageType::Hello, {{QStringLiteral("hostId"), m_hostId},
                                                                 {QStringLiteral("capabilities"), caps}})));
        m_heartbeat.start();
    });
    connect(&m_socket, &QWebSocket::binaryMessageReceived, this, &ProtocolHostInstance::onBinary);
    connect(&m_socket, &QWebSocket::textMessageReceived, this, &ProtocolHostInstance::onText);
    connect(&m_socket, &QWebSocket::disconnected, this, [this]() {
        m_heartbeat.stop();
        if (!m_done) {
            m_done = true;
            emit exited(false, QStringLiteral("socket closed by the server"));
        }
    });
    m_socket.open(request);
}

ProtocolHostInstance::~ProtocolHostInstance()
{
    m_done = true;
    m_socket.abort();
}

void ProtocolHostInstance::onBinary(const QByteArray &bytes)
{
    if (m_silent) {
        return;
    }
    const Result<TensorFrame> frame = decodeFrame(bytes);
    if (const TensorFrame *f = std::get_if<TensorFrame>(&frame); f && f->kind == FrameKind::Echo) {
        TensorFrame reply = *f;
        reply.kind = FrameKind::Result;
        const Result<QByteArray> out = encodeFrame(reply);
        if (const QByteArray *b = std::get_if<QByteArray>(&out)) {
            m_socket.sendBinaryMessage(*b);
            ++m_echoes;
        }
    }
}

void ProtocolHostInstance::onText(const QString &text)
{
    const Result<ControlMessage> message = decodeControl(text.toUtf8());
    if (const ControlMessage *m = std::get_if<ControlMessage>(&message);
        m && m->type == MessageType::Welcome) {
        m_welcome = m->body;
    }
}

void ProtocolHostInstance::sendMetrics(const QJsonObject &values)
{
    m_socket.sendTextMessage(
        QString::fromUtf8(encodeControl(MessageType::Metrics, {{QStringLiteral("values"), values}})));
}

void ProtocolHostInstance::stop()
{
    if (m_done) {
        return;
    }
    m_done = true;
    m_heartbeat.stop();
    m_socket.sendTextMessage(QString::fromUtf8(
        encodeControl(MessageType::Goodbye, {{QStringLiteral("reason"), QStringLiteral("stopped")}})));
    m_socket.close();
    emit exited(false, QStringLiteral("stopped"));
}

void ProtocolHostInstance::crash()
{
    if (m_done) {
        return;
    }
    m_done = true;
    m_heartbeat.stop();
    m_socket.abort();
    emit exited(true, QStringLiteral("killed by the test"));
}

void ProtocolHostInstance::hang()
{
    m_silent = true;
}

HostInstance *ProtocolHostFactory::spawn(const QString &hostId, const QUrl &url, QObject *parent,
                                         QString *error)
{
    if (!m_available) {
        *error = QStringLiteral("disabled by the test");
        return nullptr;
    }
    ++m_spawns;
    auto *inst = new ProtocolHostInstance(hostId, m_kind, url, m_heartbeatMs, parent);
    if (m_silent) {
        inst->hang(); // connects, never says hello
    }
    m_instances.append(inst);
    return inst;
}

ProtocolHostInstance *ProtocolHostFactory::instanceFor(const QString &hostId) const
{
    for (auto it = m_instances.crbegin(); it != m_instances.crend(); ++it) {
        if (*it && (*it)->hostId() == hostId) {
            return *it;
        }
    }
    return nullptr;
}

} // namespace accel::test
