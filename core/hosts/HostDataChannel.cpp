#include "hosts/HostDataChannel.h"

#include "common/LogCategories.h"

#include "hosts/DataSocket.h"

namespace accel {

using namespace hostproto;

HostDataChannel::HostDataChannel(DataSocket *socket, Limits limits, QObject *parent)
    : QObject(parent)
    , m_socket(socket)
    , m_limits(limits)
{
    m_socket->setParent(this);
    connect(m_socket, &DataSocket::textReceived, this, &HostDataChannel::onText);
    connect(m_socket, &DataSocket::binaryReceived, this, &HostDataChannel::onBinary);
    connect(m_socket, &DataSocket::disconnected, this, [this] {
        if (!m_open) {
            return;
        }
        m_open = false;
        const QList<quint64> unanswered(m_awaiting.cbegin(), m_awaiting.cend());
        m_awaiting.clear();
        Q_EMIT lost(unanswered, QStringLiteral("data connection closed (code %1%2)")
                                    .arg(int(m_socket->closeCode()))
                                    .arg(m_socket->closeReason().isEmpty()
                                             ? QString()
                                             : QStringLiteral(": ") + m_socket->closeReason()));
    });
}

HostDataChannel::~HostDataChannel()
{
    m_socket->disconnect(this);
    m_socket->abort();
}

void HostDataChannel::sendRun(quint64 requestId, const QByteArray &runJson, const QByteArray &frame)
{
    m_awaiting.insert(requestId);
    m_socket->sendText(runJson, false); // both leave in one write
    m_socket->sendBinary(frame);
}

void HostDataChannel::sendText(const QByteArray &json)
{
    m_socket->sendText(json);
}

void HostDataChannel::sendBinary(const QByteArray &frame)
{
    m_socket->sendBinary(frame);
}

QList<quint64> HostDataChannel::close(const QString &reason)
{
    if (!m_open) {
        return {};
    }
    m_open = false;
    const QList<quint64> unanswered(m_awaiting.cbegin(), m_awaiting.cend());
    m_awaiting.clear();
    m_socket->close(1000, reason);
    return unanswered;
}

void HostDataChannel::violation(ErrorCode code, const QString &detail)
{
    qCWarning(lcHosts).noquote() << "data connection: bad message from the host:" << errorCode(code)
                                 << detail;
    m_socket->sendText(encodeError(code, detail));
    m_socket->close(quint16(closecode::ProtocolViolation), QStringLiteral("protocol_violation"));
}

void HostDataChannel::onText(const QByteArray &utf8)
{
    if (!m_open) {
        return;
    }
    Q_EMIT received(utf8.size());
    Result<ControlMessage> decoded = decodeControl(utf8, m_limits);
    if (const Error *e = std::get_if<Error>(&decoded)) {
        violation(e->code, e->detail);
        return;
    }
    const ControlMessage &message = std::get<ControlMessage>(decoded);
    if (message.type != MessageType::Error && message.type != MessageType::RunTiming) {
        violation(
            ErrorCode::UnknownType,
            QStringLiteral("'%1' does not belong on the data connection").arg(messageTypeName(message.type)));
        return;
    }
    if (message.type == MessageType::Error) {
        m_awaiting.remove(quint64(message.body.value(QLatin1String("id")).toDouble()));
    }
    Q_EMIT this->message(message);
}

void HostDataChannel::onBinary(const QByteArray &bytes)
{
    if (!m_open) {
        return;
    }
    Q_EMIT received(bytes.size());
    Result<TensorFrame> decoded = decodeFrame(bytes, m_limits);
    if (const Error *e = std::get_if<Error>(&decoded)) {
        violation(e->code, e->detail);
        return;
    }
    const TensorFrame &frame = std::get<TensorFrame>(decoded);
    if (frame.kind != FrameKind::Result) {
        violation(ErrorCode::BadFrameKind, QStringLiteral("hosts may only send Result frames"));
        return;
    }
    m_awaiting.remove(frame.requestId);
    Q_EMIT result(frame.requestId, frame);
}

} // namespace accel
