#include "hosts/HostSession.h"

#include "common/Clock.h"
#include "common/LogCategories.h"
#include "hosts/HostDataChannel.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QRandomGenerator>
#include <QTimer>
#include <QUuid>
#include <QWebSocket>

namespace accel {

using namespace hostproto;

namespace {

constexpr int kDataLossGraceMs = 250;

QString randomKey()
{
    quint32 words[4];
    QRandomGenerator::system()->fillRange(words);
    return QString::fromLatin1(QByteArray(reinterpret_cast<const char *>(words), sizeof words).toHex());
}

bool sameKey(const QString &a, const QString &b)
{
    // Constant time in the key length: do not leak the matching prefix through timing.
    const QByteArray x = a.toUtf8();
    const QByteArray y = b.toUtf8();
    int diff = x.size() ^ y.size();
    for (int i = 0; i < y.size(); ++i) {
        diff |= (i < x.size() ? x.at(i) : 0) ^ y.at(i);
    }
    return diff == 0;
}

} // namespace

HostSession::HostSession(QWebSocket *socket, QString hostId, HostKind kind, const Clock *clock, Config config,
                         QObject *parent)
    : QObject(parent)
    , m_socket(socket)
    , m_hostId(std::move(hostId))
    , m_sessionId(QUuid::createUuid().toString(QUuid::WithoutBraces))
    , m_dataKey(randomKey())
    , m_kind(kind)
    , m_clock(clock ? clock : Clock::system())
    , m_config(config)
{
    m_socket->setParent(this);
    m_connectedAtMs = m_clock->nowMs();
    m_lastHeartbeatMs = m_connectedAtMs;
    m_lastActivityMs = m_connectedAtMs;
    connect(m_socket, &QWebSocket::textMessageReceived, this, &HostSession::onText);
    connect(m_socket, &QWebSocket::binaryMessageReceived, this, &HostSession::onBinary);
    connect(m_socket, &QWebSocket::disconnected, this, [this] {
        if (m_state != State::Closed) {
            const QString detail =
                QStringLiteral("socket closed (code %1%2)")
                    .arg(int(m_socket->closeCode()))
                    .arg(m_socket->closeReason().isEmpty() ? QString()
                                                           : QStringLiteral(": ") + m_socket->closeReason());
            close(CloseReason::TransportClosed, detail);
        }
    });
}

HostSession::~HostSession()
{
    if (m_socket->state() != QAbstractSocket::UnconnectedState) {
        m_socket->disconnect(this);
        m_socket->abort();
    }
}

namespace {
// decodeControl() already checked that these metrics are byte counts when present.
qint64 byteMetric(const QJsonObject &values, QLatin1String key)
{
    const QJsonValue v = values.value(key);
    return v.isDouble() ? qint64(v.toDouble()) : -1;
}
} // namespace

qint64 HostSession::weightBytes() const
{
    return byteMetric(m_lastMetrics, QLatin1String("weightBytes"));
}

qint64 HostSession::reportedWeightLimitBytes() const
{
    return byteMetric(m_lastMetrics, QLatin1String("weightLimitBytes"));
}

QString HostSession::closeReasonName(CloseReason reason)
{
    switch (reason) {
    case CloseReason::HostGoodbye:
        return QStringLiteral("host_goodbye");
    case CloseReason::TransportClosed:
        return QStringLiteral("transport_closed");
    case CloseReason::HeartbeatTimeout:
        return QStringLiteral("heartbeat_timeout");
    case CloseReason::HelloTimeout:
        return QStringLiteral("hello_timeout");
    case CloseReason::ProtocolViolation:
        return QStringLiteral("protocol_violation");
    case CloseReason::UnsupportedVersion:
        return QStringLiteral("unsupported_version");
    case CloseReason::Replaced:
        return QStringLiteral("replaced");
    case CloseReason::ClosedByApp:
        return QStringLiteral("closed_by_app");
    case CloseReason::ServerStopped:
        return QStringLiteral("server_stopped");
    }
    return QStringLiteral("unknown");
}

void HostSession::sendText(const QByteArray &json)
{
    m_bytesSent += json.size();
    m_socket->sendTextMessage(QString::fromUtf8(json));
}

bool HostSession::sendFrame(const TensorFrame &frame)
{
    Result<QByteArray> encoded = encodeFrame(frame, m_config.limits);
    if (const Error *e = std::get_if<Error>(&encoded)) {
        qCWarning(lcHosts) << "session" << m_hostId << "refusing to send frame:" << e->detail;
        return false;
    }
    const QByteArray &bytes = std::get<QByteArray>(encoded);
    m_bytesSent += bytes.size();
    m_socket->sendBinaryMessage(bytes);
    return true;
}

namespace {

/// The fields of a `run` message (docs/host-protocol.md).
QJsonObject runMessage(quint64 id, const QString &model, int firstLayer, int lastLayer, bool embed,
                       bool timing)
{
    QJsonObject run{{QStringLiteral("id"), double(id)},
                    {QStringLiteral("model"), model},
                    {QStringLiteral("firstLayer"), firstLayer},
                    {QStringLiteral("lastLayer"), lastLayer},
                    {QStringLiteral("embed"), embed}};
    if (timing) {
        run.insert(QStringLiteral("timing"), true);
    }
    return run;
}

} // namespace

quint64 HostSession::sendRun(const QString &model, int firstLayer, int lastLayer, const TensorFrame &input,
                             bool embed, bool timing)
{
    return sendRun(model, firstLayer, lastLayer, input, embed, timing, {});
}

quint64 HostSession::sendRun(const QString &model, int firstLayer, int lastLayer, const TensorFrame &input,
                             bool embed, bool timing, const QJsonObject &forward)
{
    if (m_state != State::Ready || firstLayer < 0 || lastLayer < firstLayer) {
        return 0;
    }
    TensorFrame frame = input;
    frame.kind = FrameKind::Activation;
    frame.requestId = nextRequestId();
    // Encode (and so validate) the frame once, before announcing the request.
    Result<QByteArray> encoded = encodeFrame(frame, m_config.limits);
    if (std::holds_alternative<Error>(encoded)) {
        return 0;
    }
    QJsonObject run = runMessage(frame.requestId, model, firstLayer, lastLayer, embed, timing);
    if (!forward.isEmpty()) {
        run.insert(QStringLiteral("forward"), forward);
    }
    const QByteArray json = encodeControl(MessageType::Run, run);
    const QByteArray &bytes = std::get<QByteArray>(encoded);
    m_bytesSent += json.size() + bytes.size();
    if (m_data && m_data->isOpen()) {
        m_data->sendRun(frame.requestId, json, bytes);
    } else {
        m_socket->sendTextMessage(QString::fromUtf8(json));
        m_socket->sendBinaryMessage(bytes);
    }
    return frame.requestId;
}

QJsonObject HostSession::reserveLinkedRun(const QString &model, int firstLayer, int lastLayer, bool timing)
{
    if (m_state != State::Ready || !m_data || !m_data->isOpen() || firstLayer < 0 || lastLayer < firstLayer) {
        return {};
    }
    const quint64 id = nextRequestId();
    m_data->expect(id);
    return runMessage(id, model, firstLayer, lastLayer, false, timing);
}

void HostSession::abandonRun(quint64 requestId)
{
    if (m_data) {
        m_data->forget(requestId);
    }
    if (m_state == State::Ready) {
        cancel(requestId);
    }
}

quint64 HostSession::requestLink(const QString &peerHostId, const QString &link)
{
    if (m_state != State::Ready || peerHostId.isEmpty() || peerHostId.size() > 64 || link.isEmpty() ||
        link.size() > hostproto::kMaxLinkNameChars) {
        return 0;
    }
    const quint64 id = nextRequestId();
    sendText(encodeControl(MessageType::Link, {{QStringLiteral("id"), double(id)},
                                               {QStringLiteral("link"), link},
                                               {QStringLiteral("peer"), peerHostId}}));
    return id;
}

quint64 HostSession::sendModel(const QString &name, const QJsonObject &config, const QJsonArray &tensors,
                               const QString &backend, int threads)
{
    if (m_state != State::Ready || name.isEmpty() || threads < 0 || threads > hostproto::kMaxModelThreads) {
        return 0;
    }
    const quint64 id = nextRequestId();
    QJsonObject fields{{QStringLiteral("id"), double(id)},
                       {QStringLiteral("name"), name},
                       {QStringLiteral("config"), config},
                       {QStringLiteral("tensors"), tensors},
                       {QStringLiteral("backend"), backend}};
    if (threads > 0) {
        fields.insert(QStringLiteral("threads"), threads);
    }
    const QByteArray text = encodeControl(MessageType::Model, fields);
    if (text.size() > m_config.limits.maxControlBytes) {
        qCWarning(lcHosts).noquote() << "model message for" << name << "is" << text.size()
                                     << "bytes, over the control limit";
        return 0;
    }
    sendText(text);
    return id;
}

quint64 HostSession::sendLoad(const QList<QByteArray> &chunks)
{
    if (m_state != State::Ready) {
        return 0;
    }
    for (const QByteArray &chunk : chunks) {
        if (chunk.size() + frameHeaderBytes(1) > m_config.limits.maxFrameBytes) {
            return 0;
        }
    }
    const quint64 id = nextRequestId();
    QJsonArray list;
    for (const QByteArray &chunk : chunks) {
        list.append(QJsonObject{
            {QStringLiteral("sha256"),
             QString::fromLatin1(QCryptographicHash::hash(chunk, QCryptographicHash::Sha256).toHex())},
            {QStringLiteral("sizeBytes"), double(chunk.size())}});
    }
    sendText(encodeControl(MessageType::Load,
                           {{QStringLiteral("id"), double(id)}, {QStringLiteral("chunks"), list}}));
    for (const QByteArray &chunk : chunks) {
        sendFrame(TensorFrame{FrameKind::WeightChunk, id, DType::U8, {quint32(chunk.size())}, chunk});
    }
    return id;
}

quint64 HostSession::sendEcho(DType dtype, const QList<quint32> &shape, const QByteArray &payload,
                              bool onDataConnection)
{
    if (m_state != State::Ready || (onDataConnection && !hasDataChannel())) {
        return 0;
    }
    const quint64 id = nextRequestId();
    const TensorFrame frame{FrameKind::Echo, id, dtype, shape, payload};
    if (!onDataConnection) {
        return sendFrame(frame) ? id : 0;
    }
    Result<QByteArray> encoded = encodeFrame(frame, m_config.limits);
    if (std::holds_alternative<Error>(encoded)) {
        return 0;
    }
    m_bytesSent += std::get<QByteArray>(encoded).size();
    m_data->sendBinary(std::get<QByteArray>(encoded));
    return id;
}

bool HostSession::cancel(quint64 requestId)
{
    if (m_state != State::Ready || requestId == 0 || requestId >= m_nextRequestId) {
        return false;
    }
    // The run may be on either connection; the one that does not hold it ignores the cancel.
    const QByteArray json = encodeControl(MessageType::Cancel, {{QStringLiteral("id"), double(requestId)}});
    sendText(json);
    if (m_data && m_data->isOpen()) {
        m_bytesSent += json.size();
        m_data->sendText(json);
    }
    return true;
}

void HostSession::close(CloseReason reason, const QString &detail)
{
    if (m_state == State::Closed) {
        return;
    }
    m_state = State::Closed;
    qCInfo(lcHosts).noquote() << "host" << m_hostId << hostKindName(m_kind)
                              << "closed:" << closeReasonName(reason) << detail;
    if (m_data) {
        m_data->close(closeReasonName(reason));
    }
    if (m_socket->state() == QAbstractSocket::ConnectedState) {
        int code = QWebSocketProtocol::CloseCodeNormal;
        switch (reason) {
        case CloseReason::HeartbeatTimeout:
            code = closecode::HeartbeatTimeout;
            break;
        case CloseReason::HelloTimeout:
            code = closecode::HelloTimeout;
            break;
        case CloseReason::ProtocolViolation:
            code = closecode::ProtocolViolation;
            break;
        case CloseReason::UnsupportedVersion:
            code = closecode::UnsupportedVersion;
            break;
        case CloseReason::Replaced:
            code = closecode::Replaced;
            break;
        case CloseReason::ServerStopped:
            code = QWebSocketProtocol::CloseCodeGoingAway;
            break;
        default:
            break;
        }
        if (reason != CloseReason::HostGoodbye) {
            sendText(
                encodeControl(MessageType::Goodbye, {{QStringLiteral("reason"), closeReasonName(reason)}}));
        }
        // Close reasons are limited to 123 bytes by RFC 6455.
        m_socket->close(QWebSocketProtocol::CloseCode(code), closeReasonName(reason));
    }
    Q_EMIT closed(reason, detail);
}

void HostSession::protocolError(ErrorCode code, const QString &detail)
{
    qCWarning(lcHosts).noquote() << "host" << m_hostId << "sent a bad message:" << errorCode(code) << detail;
    sendText(encodeError(code, detail));
    if (m_state == State::AwaitingHello) {
        close(code == ErrorCode::UnsupportedVersion ? CloseReason::UnsupportedVersion
                                                    : CloseReason::ProtocolViolation,
              errorCode(code) + QStringLiteral(": ") + detail);
        return;
    }
    if (++m_protocolErrors > m_config.maxProtocolErrors) {
        close(CloseReason::ProtocolViolation, QStringLiteral("more than %1 malformed messages; last: %2")
                                                  .arg(m_config.maxProtocolErrors)
                                                  .arg(detail));
    }
}

void HostSession::onText(const QString &text)
{
    if (m_state == State::Closed) {
        return;
    }
    const QByteArray utf8 = text.toUtf8();
    m_bytesReceived += utf8.size();
    Result<ControlMessage> decoded = decodeControl(utf8, m_config.limits);
    if (const Error *e = std::get_if<Error>(&decoded)) {
        protocolError(e->code, e->detail);
        return;
    }
    handleControl(std::get<ControlMessage>(decoded));
}

void HostSession::handleControl(const ControlMessage &message)
{
    const QJsonObject &o = message.body;
    if (m_state == State::AwaitingHello && message.type != MessageType::Hello) {
        if (message.type == MessageType::Goodbye) {
            close(CloseReason::HostGoodbye, o.value(QLatin1String("reason")).toString());
            return;
        }
        protocolError(ErrorCode::UnknownType,
                      QStringLiteral("expected 'hello' first, got '%1'").arg(messageTypeName(message.type)));
        return;
    }
    m_lastActivityMs = m_clock->nowMs();
    switch (message.type) {
    case MessageType::Hello: {
        if (m_state != State::AwaitingHello) {
            protocolError(ErrorCode::UnknownType, QStringLiteral("duplicate 'hello'"));
            return;
        }
        const QString helloId = o.value(QLatin1String("hostId")).toString();
        if (helloId != m_hostId) {
            protocolError(ErrorCode::WrongType,
                          QStringLiteral("hello hostId '%1' does not match the URL's host '%2'")
                              .arg(helloId.left(64), m_hostId));
            return;
        }
        QString error;
        std::optional<HostCapabilities> caps =
            HostCapabilities::fromJson(o.value(QLatin1String("capabilities")).toObject(), &error);
        if (!caps) {
            protocolError(ErrorCode::WrongType, error);
            return;
        }
        m_capabilities = *caps;
        if (m_capabilities.runtimeVersion.isEmpty()) {
            m_capabilities.runtimeVersion = o.value(QLatin1String("runtimeVersion")).toString().left(64);
        }
        m_state = State::Ready;
        m_lastHeartbeatMs = m_lastActivityMs;
        QJsonObject welcome{{QStringLiteral("sessionId"), m_sessionId},
                            {QStringLiteral("heartbeatIntervalMs"), m_config.heartbeatIntervalMs},
                            {QStringLiteral("maxFrameBytes"), double(m_config.limits.maxFrameBytes)},
                            {QStringLiteral("dataKey"), m_dataKey}};
        if (m_config.dataPort != 0) {
            welcome.insert(QStringLiteral("dataPort"), int(m_config.dataPort));
        }
        if (m_config.weightLimitBytes > 0) {
            welcome.insert(QStringLiteral("weightLimitBytes"), double(m_config.weightLimitBytes));
        }
        sendText(encodeControl(MessageType::Welcome, welcome));
        qCInfo(lcHosts).noquote() << "host" << m_hostId << hostKindName(m_kind)
                                  << "ready:" << m_capabilities.userAgent;
        Q_EMIT ready();
        return;
    }
    case MessageType::Heartbeat:
        m_lastHeartbeatMs = m_lastActivityMs;
        ++m_heartbeatCount;
        Q_EMIT heartbeatReceived(quint64(o.value(QLatin1String("seq")).toDouble()));
        return;
    case MessageType::Loaded: {
        QStringList hashes;
        for (const QJsonValue &v : o.value(QLatin1String("chunks")).toArray()) {
            hashes.append(v.toString());
        }
        Q_EMIT loaded(quint64(o.value(QLatin1String("id")).toDouble()), hashes);
        return;
    }
    case MessageType::ModelReady:
        Q_EMIT modelReady(quint64(o.value(QLatin1String("id")).toDouble()), o);
        return;
    case MessageType::ModelMissing: {
        QStringList hashes;
        for (const QJsonValue &v : o.value(QLatin1String("chunks")).toArray()) {
            hashes.append(v.toString());
        }
        Q_EMIT modelMissing(quint64(o.value(QLatin1String("id")).toDouble()), hashes);
        return;
    }
    case MessageType::Error:
        Q_EMIT hostError(quint64(o.value(QLatin1String("id")).toDouble()),
                         o.value(QLatin1String("code")).toString(),
                         o.value(QLatin1String("message")).toString());
        return;
    case MessageType::Metrics:
        m_lastMetrics = o.value(QLatin1String("values")).toObject();
        m_lastMetricsMs = m_lastActivityMs;
        Q_EMIT metricsReceived(m_lastMetrics);
        return;
    case MessageType::RunTiming:
        Q_EMIT runTimed(quint64(o.value(QLatin1String("id")).toDouble()),
                        RunTiming{o.value(QLatin1String("queuedMs")).toDouble(),
                                  o.value(QLatin1String("computeMs")).toDouble(),
                                  o.value(QLatin1String("hostMs")).toDouble(),
                                  o.value(QLatin1String("receivedAt")).toDouble(),
                                  o.value(QLatin1String("forwardedAt")).toDouble()});
        return;
    case MessageType::Linked:
        Q_EMIT linked(quint64(o.value(QLatin1String("id")).toDouble()),
                      o.value(QLatin1String("link")).toString());
        return;
    case MessageType::Goodbye:
        close(CloseReason::HostGoodbye, o.value(QLatin1String("reason")).toString());
        return;
    case MessageType::Link:
    case MessageType::Welcome:
    case MessageType::Load:
    case MessageType::Run:
    case MessageType::Cancel:
    case MessageType::Model:
        protocolError(
            ErrorCode::UnknownType,
            QStringLiteral("'%1' is sent by the app, not by hosts").arg(messageTypeName(message.type)));
        return;
    }
}

void HostSession::onBinary(const QByteArray &bytes)
{
    if (m_state == State::Closed) {
        return;
    }
    m_bytesReceived += bytes.size();
    if (m_state == State::AwaitingHello) {
        protocolError(ErrorCode::UnknownType, QStringLiteral("binary frame before 'hello'"));
        return;
    }
    Result<TensorFrame> decoded = decodeFrame(bytes, m_config.limits);
    if (const Error *e = std::get_if<Error>(&decoded)) {
        protocolError(e->code, e->detail);
        return;
    }
    const TensorFrame &frame = std::get<TensorFrame>(decoded);
    if (frame.kind != FrameKind::Result) {
        protocolError(ErrorCode::BadFrameKind, QStringLiteral("hosts may only send Result frames"));
        return;
    }
    onResult(frame);
}

void HostSession::onResult(const TensorFrame &frame)
{
    m_lastActivityMs = m_clock->nowMs();
    Q_EMIT resultReceived(frame.requestId, frame);
}

void HostSession::reportDataLoss(const QList<quint64> &unanswered, const QString &detail)
{
    qCWarning(lcHosts).noquote() << "host" << m_hostId << detail << "with" << unanswered.size()
                                 << "run(s) unanswered";
    // When the whole page died, its control connection drops at about the same moment and the
    // session's close reports every request as lost. Only a session still alive a moment later
    // (the worker died, the page lives) reports these here.
    QTimer::singleShot(kDataLossGraceMs, this, [this, unanswered, detail] {
        if (m_state != State::Ready) {
            return;
        }
        for (quint64 id : unanswered) {
            Q_EMIT hostError(id, QStringLiteral("data_connection_lost"), detail);
        }
    });
}

bool HostSession::hasDataChannel() const
{
    return m_data && m_data->isOpen();
}

bool HostSession::attachDataChannel(DataSocket *socket, const QString &key, QString *error)
{
    if (m_state != State::Ready) {
        *error = QStringLiteral("host '%1' has no ready session").arg(m_hostId);
        return false;
    }
    if (!sameKey(key, m_dataKey)) {
        *error = QStringLiteral("wrong data key for host '%1'").arg(m_hostId);
        return false;
    }
    if (m_data) {
        // A restarted compute worker connects anew: runs still awaited on the old connection
        // will not be answered there.
        reportDataLoss(m_data->close(QStringLiteral("replaced")),
                       QStringLiteral("data connection replaced by a new one"));
        m_data->deleteLater();
    }
    m_data = new HostDataChannel(socket, m_config.limits, this);
    HostDataChannel *channel = m_data;
    connect(channel, &HostDataChannel::received, this, [this](qint64 bytes) { m_bytesReceived += bytes; });
    connect(channel, &HostDataChannel::message, this, &HostSession::handleControl);
    connect(channel, &HostDataChannel::result, this,
            [this](quint64, const TensorFrame &frame) { onResult(frame); });
    connect(channel, &HostDataChannel::lost, this,
            [this, channel](const QList<quint64> &unanswered, const QString &detail) {
                if (m_data == channel) {
                    m_data = nullptr;
                    channel->deleteLater();
                }
                reportDataLoss(unanswered, detail);
            });
    qCInfo(lcHosts).noquote() << "host" << m_hostId << "data connection attached";
    return true;
}

} // namespace accel
