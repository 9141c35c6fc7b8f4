#pragma once

#include <QByteArray>
#include <QObject>
#include <QString>
#include <QUrl>

class QTcpSocket;
class QTimer;

namespace accel {

/// The server end of one WebSocket (RFC 6455) over a QTcpSocket, for the host data connection
/// (docs/host-protocol.md, "Data connection"). QWebSocket 6.4 unmasks every received byte in a
/// byte-at-a-time loop and copies each frame several times, which on a 64 KiB activation costs a
/// visible share of a pipeline hop; this reads each frame straight into the message buffer,
/// unmasks it eight bytes at a time, and writes sends at once with TCP_NODELAY.
///
/// Scope: the server side only, no extensions, no subprotocols. Client frames must be masked.
/// Fragmented messages, ping (answered with pong), pong and the close handshake are supported.
/// Any violation (unmasked or reserved-bit frame, unknown opcode, oversized message, bad
/// continuation, invalid UTF-8 text, oversized control frame) closes the connection with the
/// RFC's close code (1002, 1007, 1009) and is reported through protocolError().
///
/// Handshake: a GET with `Upgrade: websocket`, `Connection: Upgrade`, `Sec-WebSocket-Version: 13`,
/// a 16-byte base64 `Sec-WebSocket-Key` and, when `requiredOrigin` is set, exactly that `Origin`.
/// A `Host` header is required, the key must be strict padded base64 and the target a path
/// (not `//…`). Anything else is answered with an HTTP 400/403/405/426/431 and the connection
/// closed (handshakeFailed()); so is a request not complete within handshakeTimeoutMs. The request's
/// path and query are left to the owner (requestUrl() after upgraded()).
///
/// Thread: the thread that owns the QTcpSocket.
class DataSocket : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        qint64 maxMessageBytes = 64 * 1024 * 1024; ///< a larger message closes with 1009
        QString requiredOrigin;                    ///< empty: any Origin (or none) is accepted
        int handshakeTimeoutMs = 5000;
        int maxHandshakeBytes = 8192; ///< request line + headers; more is answered with 431
        /// After our close frame or HTTP refusal, how long the peer may take to close its side
        /// (its bytes are read and dropped meanwhile) before the connection is dropped.
        int lingerMs = 1000;
    };
    enum class State { Handshake, Open, Closing, Closed };

    /// Takes ownership of `socket` (reparented), which must be connected. Reads the upgrade
    /// request from it.
    DataSocket(QTcpSocket *socket, Options options, QObject *parent = nullptr);
    ~DataSocket() override;

    State state() const { return m_state; }
    /// The request target of the handshake ("/data?host=…"), valid once upgraded() was emitted.
    QUrl requestUrl() const { return m_requestUrl; }
    QString origin() const { return m_origin; }

    /// Sends one unfragmented message. False (nothing sent) unless the connection is open.
    /// With `flush` false the frame waits in the socket's buffer for the next send that flushes
    /// (or the event loop), so two messages sent back to back leave in one write.
    bool sendText(const QByteArray &utf8, bool flush = true);
    bool sendBinary(const QByteArray &payload, bool flush = true);
    /// Sends a close frame with `code` (1011 instead of a code RFC 6455 forbids on the wire) and
    /// `reason` (cut to fit 123 bytes), then half-closes: the peer's close or the linger time
    /// ends the TCP connection. closeCode() keeps the first close code seen either way.
    void close(quint16 code, const QString &reason = {});
    /// Drops the TCP connection at once, no close frame.
    void abort();

    /// The close code received from the peer or sent to it, whichever came first;
    /// 1005 for a close frame without a code, 1006 when the connection ended without any.
    quint16 closeCode() const { return m_closeCode; }
    QString closeReason() const { return m_closeReason; }

    /// Bytes of messages delivered / sent (payload only), for traffic counters.
    qint64 bytesReceived() const { return m_bytesReceived; }
    qint64 bytesSent() const { return m_bytesSent; }

    /// Unmasks (or masks) `size` bytes in place with the 4-byte key as it appears on the wire,
    /// starting at key byte 0. Public for tests.
    static void applyMask(char *data, qint64 size, const char key[4]);
    /// The Sec-WebSocket-Accept value for a Sec-WebSocket-Key (RFC 6455 section 4.2.2).
    static QByteArray acceptKey(const QByteArray &clientKey);

Q_SIGNALS:
    /// The 101 response was written; the connection is open.
    void upgraded();
    /// The upgrade request was refused with HTTP `status` (the connection is closing).
    void handshakeFailed(int status, const QString &reason);
    void textReceived(const QByteArray &utf8);
    void binaryReceived(const QByteArray &payload);
    /// The peer broke the protocol; a close frame with `closeCode` was sent.
    void protocolError(quint16 closeCode, const QString &reason);
    /// The TCP connection ended (after a close handshake, an error, or a refused upgrade).
    void disconnected();

private:
    void onReadyRead();
    bool readHandshake();
    void refuseHandshake(int status, const QString &reason);
    /// Reads the next frame header if it is complete; false if more bytes are needed.
    bool readFrameHeader();
    /// Reads payload bytes of the current frame; true once the frame is complete.
    bool readFramePayload();
    void finishFrame();
    void handleControlFrame();
    void fail(quint16 code, const QString &reason);
    /// Ends our side once what we sent is written: half-close, drain, drop after lingerMs.
    void finishClosing();
    bool sendFrame(quint8 opcode, const char *data, qint64 size, bool flush = true);
    void onDisconnected();

    QTcpSocket *m_socket;
    Options m_options;
    QTimer *m_handshakeTimer;
    QTimer *m_lingerTimer;
    State m_state = State::Handshake;
    QByteArray m_request;
    QUrl m_requestUrl;
    QString m_origin;
    quint16 m_closeCode = 1006;
    QString m_closeReason;
    bool m_closeSent = false;
    bool m_closeReceived = false;
    bool m_discardInput = false; ///< after a refusal or protocol error nothing more is parsed

    // The frame being read.
    bool m_haveHeader = false;
    bool m_fin = false;
    quint8 m_opcode = 0;
    char m_mask[4] = {};
    qint64 m_frameLength = 0;
    qint64 m_frameRead = 0;
    qint64 m_frameOffset = 0; ///< where this frame's payload starts in its buffer
    // The message being assembled (data frames) and the current control frame.
    bool m_inMessage = false;
    quint8 m_messageOpcode = 0;
    QByteArray m_message;
    QByteArray m_control;

    qint64 m_bytesReceived = 0;
    qint64 m_bytesSent = 0;
};

} // namespace accel
