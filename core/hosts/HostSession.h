#pragma once

#include "hosts/HostCapabilities.h"
#include "hosts/HostKind.h"
#include "hosts/HostProtocol.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QObject>
#include <QStringList>

class QWebSocket;

namespace accel {
class DataSocket;
}

namespace accel {

class Clock;
class HostDataChannel;

/// One connected runtime page (embedded, Chromium, Firefox or Edge), speaking the host protocol
/// (docs/host-protocol.md). The same class serves every kind of host: it only sees the socket.
///
/// Lifecycle: RuntimeServer creates a session when a WebSocket passes the token/origin checks
/// (state AwaitingHello). A valid `hello` makes it Ready: the server then emits
/// `sessionOpened(session)` and the session answers with `welcome`. It ends exactly once, in
/// state Closed, emitting `closed(reason, detail)`; the server then emits `sessionClosed` and
/// deletes the session with deleteLater(), so listeners must drop their pointers on `closed`.
///
/// Ownership and threads: owned by the RuntimeServer (QObject parent); lives on the server's
/// thread; all calls must come from that thread. Times are from the injected Clock, in ms.
class HostSession : public QObject
{
    Q_OBJECT
public:
    enum class State { AwaitingHello = 1, Ready, Closed };
    enum class CloseReason {
        HostGoodbye = 1,   // the page said goodbye (navigated away, closed)
        TransportClosed,   // socket dropped without goodbye: browser/renderer died or was killed
        HeartbeatTimeout,  // no message for heartbeatTimeoutMs
        HelloTimeout,      // connected but never sent a valid hello
        ProtocolViolation, // malformed hello, too many bad messages, host id mismatch
        UnsupportedVersion,
        Replaced,    // the same host id connected again
        ClosedByApp, // close() called by the app
        ServerStopped,
    };
    Q_ENUM(CloseReason)

    struct Config
    {
        hostproto::Limits limits;
        int heartbeatIntervalMs = 1000;
        /// Malformed messages tolerated after hello (each gets an error reply) before closing.
        int maxProtocolErrors = 16;
        /// Operator cap on the weight bytes each compute backend of the page may hold, sent in
        /// `welcome` as `weightLimitBytes`; 0 = the runtime's own default (field omitted).
        qint64 weightLimitBytes = 0;
        /// The port the compute worker opens its data connection on (`welcome.dataPort`);
        /// 0 = no data connection offered (runs stay on the control connection).
        quint16 dataPort = 0;
    };

    /// Takes ownership of `socket` (reparented to the session).
    HostSession(QWebSocket *socket, QString hostId, HostKind kind, const Clock *clock, Config config,
                QObject *parent = nullptr);
    ~HostSession() override;

    QString id() const { return m_hostId; }
    /// Random id of this connection (a reconnecting page keeps its host id, not its session id).
    QString sessionId() const { return m_sessionId; }
    HostKind kind() const { return m_kind; }
    State state() const { return m_state; }
    bool isReady() const { return m_state == State::Ready; }
    /// Valid once Ready.
    const HostCapabilities &capabilities() const { return m_capabilities; }
    qint64 connectedAtMs() const { return m_connectedAtMs; }
    /// Clock time of the last heartbeat (connect time until the first one).
    qint64 lastHeartbeatMs() const { return m_lastHeartbeatMs; }
    /// Clock time of the last valid message of any type; the server's watchdog judges this.
    qint64 lastActivityMs() const { return m_lastActivityMs; }
    quint64 heartbeatCount() const { return m_heartbeatCount; }
    qint64 bytesSent() const { return m_bytesSent; }
    qint64 bytesReceived() const { return m_bytesReceived; }
    /// The cap this session sent in `welcome` (0 = none, the runtime default applies).
    qint64 weightLimitBytes() const { return m_config.weightLimitBytes; }
    /// The values of the last valid `metrics` message (empty until the first one).
    QJsonObject lastMetrics() const { return m_lastMetrics; }
    /// Clock time of the last `metrics` message, -1 before the first one.
    qint64 lastMetricsMs() const { return m_lastMetricsMs; }
    /// Weight bytes held by the page's compute backends and their limit, from the last metrics
    /// (`weightBytes` / `weightLimitBytes`); -1 when the page has not reported them.
    qint64 weightBytes() const;
    qint64 reportedWeightLimitBytes() const;

    /// Sends `run` for layers [firstLayer, lastLayer] of `model` followed by `input` as an
    /// Activation frame. Returns the request id, or 0 when not Ready or the frame is invalid.
    /// With `embed`, `input` is an I32 tensor of token ids that the page embeds before the layers.
    /// With `timing`, the page follows the Result with a `runTiming` message (runTimed()).
    quint64 sendRun(const QString &model, int firstLayer, int lastLayer, const hostproto::TensorFrame &input,
                    bool embed = false, bool timing = false);
    /// Same, and the page hands the run's output straight to a peer page over a link (`link`):
    /// `forward` is {link, run}, `run` from the peer session's reserveLinkedRun(). The output still
    /// comes back here as a Result frame, after it left for the peer.
    quint64 sendRun(const QString &model, int firstLayer, int lastLayer, const hostproto::TensorFrame &input,
                    bool embed, bool timing, const QJsonObject &forward);
    /// A run whose input arrives over a link from a peer page instead of from the app: allocates
    /// its request id, awaits its Result on the data connection (lost with it like any run) and
    /// returns the `run` message for the peer to pass on (`forward.run`). Empty when not Ready or
    /// without a data connection (the page's worker answers linked runs there).
    QJsonObject reserveLinkedRun(const QString &model, int firstLayer, int lastLayer, bool timing = false);
    /// Gives up on a run (e.g. a reserved linked run whose producer failed): no longer awaited,
    /// and the page is told to drop it if it has not started.
    void abandonRun(quint64 requestId);
    /// Sends `link`: the page asks its browser profile's link broker for a MessageChannel to the
    /// page of `peerHostId` and hands the port to its compute worker; it answers `linked` (signal
    /// linked()) or an error with the returned id (e.g. link_unavailable when the peer is in
    /// another browser). 0 when not Ready or the names are invalid.
    quint64 requestLink(const QString &peerHostId, const QString &link);
    /// Sends `model`: deploy tensors (manifests from ContentStore, JSON) of `name` with its runtime
    /// `config` on `backend` ("auto": the page measures its backends and picks the fastest). The page
    /// answers `modelReady` or `modelMissing` (chunks to `sendLoad` first). 0 when not Ready.
    /// `threads` 1..64 asks the backend for exactly that many compute threads (wasm; other backends
    /// ignore it and say so in modelReady.threadsReason); 0 leaves it to the page ("auto").
    quint64 sendModel(const QString &name, const QJsonObject &config, const QJsonArray &tensors,
                      const QString &backend = QStringLiteral("auto"), int threads = 0);
    /// Sends `load` listing the chunks by SHA-256, then each chunk as a WeightChunk frame.
    /// The page verifies each hash and answers `loaded` (signal `loaded`) or an error.
    quint64 sendLoad(const QList<QByteArray> &chunks);
    /// Transport test: an Echo frame; the page returns the same bytes as a Result frame. With
    /// `onDataConnection` the compute worker answers it on its data connection (0 if there is none).
    quint64 sendEcho(hostproto::DType dtype, const QList<quint32> &shape, const QByteArray &payload,
                     bool onDataConnection = false);
    /// Asks the page to drop request `requestId`; it answers with error code "cancelled".
    bool cancel(quint64 requestId);
    /// Attaches the data connection the page's compute worker opened with this session's
    /// `dataKey` (sent in `welcome`); from then on runs and cancels travel on it. A second one
    /// replaces the first. False (with `error`) when not Ready or the key does not match.
    bool attachDataChannel(DataSocket *socket, const QString &key, QString *error);
    bool hasDataChannel() const;
    /// The secret a data connection must present; random per session.
    QString dataKey() const { return m_dataKey; }
    /// Ends the session: says goodbye (if the socket is still open), closes it, emits closed().
    void close(CloseReason reason, const QString &detail);

    static QString closeReasonName(CloseReason reason);

Q_SIGNALS:
    void ready();
    void heartbeatReceived(quint64 seq);
    void resultReceived(quint64 requestId, const accel::hostproto::TensorFrame &frame);
    void loaded(quint64 requestId, const QStringList &sha256);
    /// `info`: the whole modelReady message (name, backend, memory, probe, loadMs).
    void modelReady(quint64 requestId, const QJsonObject &info);
    void modelMissing(quint64 requestId, const QStringList &sha256);
    /// requestId 0: a page-level error (uncaught exception, WebGPU device lost, ...).
    void hostError(quint64 requestId, const QString &code, const QString &message);
    void metricsReceived(const QJsonObject &values);
    /// Where the page spent a run sent with timing requested (arrives after its Result frame).
    void runTimed(quint64 requestId, const accel::hostproto::RunTiming &timing);
    /// The page attached link `link` (requested with id `requestId`) to its compute worker.
    void linked(quint64 requestId, const QString &link);
    /// Emitted exactly once.
    void closed(accel::HostSession::CloseReason reason, const QString &detail);

private:
    void onText(const QString &text);
    void onBinary(const QByteArray &bytes);
    void onResult(const hostproto::TensorFrame &frame);
    void reportDataLoss(const QList<quint64> &unanswered, const QString &detail);
    void handleControl(const hostproto::ControlMessage &message);
    void protocolError(hostproto::ErrorCode code, const QString &detail);
    bool sendFrame(const hostproto::TensorFrame &frame);
    void sendText(const QByteArray &json);
    quint64 nextRequestId() { return m_nextRequestId++; }

    QWebSocket *m_socket;
    HostDataChannel *m_data = nullptr;
    QString m_hostId;
    QString m_sessionId;
    QString m_dataKey;
    HostKind m_kind;
    const Clock *m_clock;
    Config m_config;
    State m_state = State::AwaitingHello;
    HostCapabilities m_capabilities;
    qint64 m_connectedAtMs = 0;
    qint64 m_lastHeartbeatMs = 0;
    qint64 m_lastActivityMs = 0;
    quint64 m_heartbeatCount = 0;
    qint64 m_bytesSent = 0;
    qint64 m_bytesReceived = 0;
    int m_protocolErrors = 0;
    quint64 m_nextRequestId = 1;
    QJsonObject m_lastMetrics;
    qint64 m_lastMetricsMs = -1;
};

} // namespace accel
