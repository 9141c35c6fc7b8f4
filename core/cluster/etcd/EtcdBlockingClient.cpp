#include "cluster/etcd/EtcdBlockingClient.h"

#include "cluster/etcd/EtcdCodec.h"
#include "common/Clock.h"
#include "common/LogCategories.h"

#include <QTcpSocket>
#include <QThread>
#include <QUrl>

namespace accel {

namespace {

/// Reads until `pred(buffer)` says enough, the deadline passes, or the peer closes.
bool readUntil(QTcpSocket *socket, QByteArray *buffer, qint64 deadlineMs, const Clock *clock,
               const std::function<bool(const QByteArray &)> &pred)
{
    while (!pred(*buffer)) {
        if (buffer->size() > EtcdBlockingClient::kMaxResponseBytes) {
            return false;
        }
        const qint64 leftMs = deadlineMs - clock->nowMs();
        if (leftMs <= 0) {
            return false;
        }
        if (socket->bytesAvailable() == 0 && !socket->waitForReadyRead(int(leftMs))) {
            if (socket->state() != QAbstractSocket::ConnectedState) {
                buffer->append(socket->readAll());
                return pred(*buffer);
            }
            continue; // spurious wake-up; the deadline check ends the loop
        }
        buffer->append(socket->readAll());
    }
    return true;
}

} // namespace

EtcdBlockingClient::EtcdBlockingClient(const QStringList &endpoints, const Clock *clock)
    : m_clock(clock ? clock : Clock::system())
{
    for (QString e : endpoints) {
        e = e.trimmed();
        while (e.endsWith(QLatin1Char('/'))) {
            e.chop(1);
        }
        if (!e.isEmpty()) {
            m_endpoints << e;
        }
    }
}

EtcdBlockingClient::~EtcdBlockingClient() = default;

QString EtcdBlockingClient::currentEndpoint() const
{
    return m_endpoints.isEmpty() ? QString() : m_endpoints.at(m_current % m_endpoints.size());
}

EtcdResult<QByteArray> EtcdBlockingClient::post(const QString &path, const QByteArray &body, bool idempotent)
{
    if (m_endpoints.isEmpty()) {
        EtcdError e;
        e.code = EtcdErrorCode::NoEndpoints;
        e.message = QStringLiteral("no etcd endpoints configured");
        return e;
    }
    const qint64 deadlineMs = m_clock->nowMs() + m_timeoutMs;
    EtcdError last;
    for (int attemptNo = 1;; ++attemptNo) {
        const QString endpoint = currentEndpoint();
        const qint64 leftMs = deadlineMs - m_clock->nowMs();
        const int attemptMs = int(qMax<qint64>(1, qMin<qint64>(leftMs, m_attemptTimeoutMs)));
        Attempt a = attempt(endpoint, path, body, attemptMs);
        if (a.status == 200) {
            return a.body;
        }
        EtcdError error;
        bool certainlyNotApplied = false;
        if (a.status > 0) {
            error = EtcdCodec::decodeErrorBody(a.body, a.status);
            certainlyNotApplied = error.message.contains(QLatin1String("no leader"));
        } else if (a.timedOut && attemptMs < m_attemptTimeoutMs && last.code == EtcdErrorCode::Unreachable) {
            error = last;
            error.message += QStringLiteral(" (every endpoint, for %1 ms)").arg(m_timeoutMs);
        } else {
            error = a.transportError;
            certainlyNotApplied = a.refused;
        }
        error.endpoint = endpoint;
        last = error;
        const bool endpointProblem = a.status <= 0 || error.code == EtcdErrorCode::NoQuorum;
        if (endpointProblem && m_endpoints.size() > 1) {
            m_current = (m_current + 1) % m_endpoints.size();
            qCInfo(lcCluster) << "etcd (blocking): failing over from" << endpoint << "to" << currentEndpoint()
                              << "after" << error.toString();
        }
        const bool retry =
            endpointProblem && (idempotent || certainlyNotApplied) && deadlineMs - m_clock->nowMs() > 0;
        if (!retry) {
            if (error.code == EtcdErrorCode::Timeout && path != QLatin1String("/v3/maintenance/status")) {
                diagnoseTimeout(&error);
            }
            return error;
        }
        if (attemptNo % qMax(1, int(m_endpoints.size())) == 0) {
            QThread::msleep(20); // every endpoint failed once: do not spin against a dead cluster
        }
    }
}

void EtcdBlockingClient::diagnoseTimeout(EtcdError *error)
{
    // A member without a raft leader answers status at once but lets writes hang.
    const Attempt a = attempt(error->endpoint, QStringLiteral("/v3/maintenance/status"),
                              EtcdCodec::encodeEmpty(), qMin(500, m_attemptTimeoutMs));
    if (a.status != 200) {
        return;
    }
    const auto status = EtcdCodec::decodeStatus(a.body);
    if (status.ok() && status.value().leader == 0) {
        error->code = EtcdErrorCode::NoQuorum;
        error->message =
            QStringLiteral("etcd member has no raft leader (quorum lost or election in progress); ") +
            error->message;
    }
}

EtcdBlockingClient::Attempt EtcdBlockingClient::attempt(const QString &endpoint, const QString &path,
                                                        const QByteArray &body, int timeoutMs)
{
    const qint64 deadlineMs = m_clock->nowMs() + timeoutMs;
    auto &socket = m_sockets[endpoint];
    const bool reused = socket && socket->state() == QAbstractSocket::ConnectedState;
    if (!reused) {
        socket = std::make_shared<QTcpSocket>();
        const QUrl url(endpoint);
        socket->connectToHost(url.host(), quint16(url.port(80)));
        if (!socket->waitForConnected(timeoutMs)) {
            Attempt a;
            a.refused = socket->error() == QAbstractSocket::ConnectionRefusedError;
            a.timedOut = !a.refused && socket->error() == QAbstractSocket::SocketTimeoutError;
            a.transportError.code = a.timedOut ? EtcdErrorCode::Timeout : EtcdErrorCode::Unreachable;
            a.transportError.message =
                a.timedOut ? QStringLiteral("no connection to %1 within %2 ms").arg(endpoint).arg(timeoutMs)
                           : socket->errorString();
            socket.reset();
            return a;
        }
    }
    Attempt a = exchange(socket.get(), endpoint, path, body, deadlineMs);
    if (a.status == 0) {
        socket.reset(); // never reuse a connection in an unknown state
        if (reused && !a.timedOut && deadlineMs > m_clock->nowMs()) {
            // The server closed an idle keep-alive connection: nothing was processed; reconnect once.
            return attempt(endpoint, path, body, int(deadlineMs - m_clock->nowMs()));
        }
    }
    return a;
}

EtcdBlockingClient::Attempt EtcdBlockingClient::exchange(QTcpSocket *socket, const QString &endpoint,
                                                         const QString &path, const QByteArray &body,
                                                         qint64 deadlineMs)
{
    Attempt a;
    const QUrl url(endpoint);
    QByteArray request;
    request.reserve(body.size() + 160);
    request += "POST " + path.toUtf8() + " HTTP/1.1\r\nHost: " + url.host().toUtf8() + ':' +
               QByteArray::number(url.port(80)) +
               "\r\nContent-Type: application/json\r\nContent-Length: " + QByteArray::number(body.size()) +
               "\r\nConnection: keep-alive\r\n\r\n";
    request += body;
    socket->write(request);
    while (socket->bytesToWrite() > 0) {
        const qint64 leftMs = deadlineMs - m_clock->nowMs();
        if (leftMs <= 0 || !socket->waitForBytesWritten(int(leftMs))) {
            break;
        }
    }
    auto fail = [&](bool timedOut, const QString &message) {
        a.status = 0;
        a.timedOut = timedOut;
        a.transportError.code = timedOut ? EtcdErrorCode::Timeout : EtcdErrorCode::Unreachable;
        a.transportError.message = message;
        return a;
    };
    QByteArray buffer;
    if (!readUntil(socket, &buffer, deadlineMs, m_clock,
                   [](const QByteArray &b) { return b.contains("\r\n\r\n"); })) {
        const bool timedOut = deadlineMs <= m_clock->nowMs();
        return fail(
            timedOut,
            timedOut
                ? QStringLiteral("no answer to %1 in time").arg(path)
                : QStringLiteral("connection closed before an HTTP answer: %1").arg(socket->errorString()));
    }
    const qsizetype headerEnd = buffer.indexOf("\r\n\r\n");
    const QList<QByteArray> lines = buffer.left(headerEnd).split('\n');
    const QList<QByteArray> statusLine = lines.value(0).trimmed().split(' ');
    bool ok = false;
    const int status = statusLine.value(1).toInt(&ok);
    if (!statusLine.value(0).startsWith("HTTP/1.") || !ok) {
        return fail(false, QStringLiteral("malformed HTTP status line from %1").arg(endpoint));
    }
    qint64 contentLength = -1;
    bool chunked = false;
    bool closeAfter = false;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines.at(i).trimmed();
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0) {
            continue;
        }
        const QByteArray name = line.left(colon).trimmed().toLower();
        const QByteArray value = line.mid(colon + 1).trimmed().toLower();
        if (name == "content-length") {
            contentLength = value.toLongLong(&ok);
            if (!ok || contentLength < 0 || contentLength > kMaxResponseBytes) {
                return fail(false, QStringLiteral("bad Content-Length from %1").arg(endpoint));
            }
        } else if (name == "transfer-encoding" && value.contains("chunked")) {
            chunked = true;
        } else if (name == "connection" && value == "close") {
            closeAfter = true;
        }
    }
    QByteArray rest = buffer.mid(headerEnd + 4);
    if (contentLength >= 0 && !chunked) {
        if (!readUntil(socket, &rest, deadlineMs, m_clock,
                       [contentLength](const QByteArray &b) { return b.size() >= contentLength; })) {
            return fail(deadlineMs <= m_clock->nowMs(),
                        QStringLiteral("truncated answer from %1").arg(endpoint));
        }
        a.body = rest.left(contentLength);
    } else if (chunked) {
        QByteArray decoded;
        qsizetype pos = 0;
        while (true) {
            if (!readUntil(socket, &rest, deadlineMs, m_clock,
                           [pos](const QByteArray &b) { return b.indexOf("\r\n", pos) >= 0; })) {
                return fail(deadlineMs <= m_clock->nowMs(),
                            QStringLiteral("truncated chunk from %1").arg(endpoint));
            }
            const qsizetype eol = rest.indexOf("\r\n", pos);
            const QByteArray sizeField = rest.mid(pos, eol - pos).split(';').value(0).trimmed();
            const qint64 size = sizeField.toLongLong(&ok, 16);
            if (!ok || size < 0 || decoded.size() + size > kMaxResponseBytes) {
                return fail(false, QStringLiteral("bad chunk size from %1").arg(endpoint));
            }
            const qsizetype dataStart = eol + 2;
            if (!readUntil(socket, &rest, deadlineMs, m_clock, [dataStart, size](const QByteArray &b) {
                    return b.size() >= dataStart + size + 2;
                })) {
                return fail(deadlineMs <= m_clock->nowMs(),
                            QStringLiteral("truncated chunk from %1").arg(endpoint));
            }
            if (size == 0) {
                break; // (trailers, if any, are not used by etcd)
            }
            decoded += rest.mid(dataStart, size);
            pos = dataStart + size + 2;
        }
        a.body = decoded;
    } else {
        // No length: the body runs until the server closes.
        readUntil(socket, &rest, deadlineMs, m_clock, [socket](const QByteArray &) {
            return socket->state() != QAbstractSocket::ConnectedState;
        });
        a.body = rest;
        closeAfter = true;
    }
    if (closeAfter) {
        socket->disconnectFromHost();
    }
    a.status = status;
    return a;
}

} // namespace accel
