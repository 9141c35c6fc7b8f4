#pragma once

#include "hosts/HostProtocol.h"

#include <QList>
#include <QObject>
#include <QSet>

namespace accel {

class DataSocket;

/// A host's second connection, opened by its compute worker (docs/host-protocol.md, "Data
/// connection"): runs and their Activation frames go straight to the worker and Results come
/// straight back, so a hop never passes through the page's main thread. It carries `run`,
/// `cancel` and Activation frames to the host, and Result frames, `error` and `runTiming` back;
/// anything else from the host is a protocol violation that closes this connection (the
/// session and its control connection stay). Runs sent here that are unanswered when it closes
/// are reported through lost(), so no request waits forever.
///
/// Owned by its HostSession; same thread.
class HostDataChannel : public QObject
{
    Q_OBJECT
public:
    /// Takes ownership of `socket` (reparented to the channel).
    HostDataChannel(DataSocket *socket, hostproto::Limits limits, QObject *parent = nullptr);
    ~HostDataChannel() override;

    bool isOpen() const { return m_open; }
    /// Sends a run's message and its encoded Activation frame; `requestId` is awaited until a
    /// Result or an error with that id comes back.
    void sendRun(quint64 requestId, const QByteArray &runJson, const QByteArray &frame);
    /// Awaits a Result or error for `requestId` without sending anything (a run whose input the
    /// page receives from a peer page over a link).
    void expect(quint64 requestId) { m_awaiting.insert(requestId); }
    /// No longer awaits `requestId`.
    void forget(quint64 requestId) { m_awaiting.remove(requestId); }
    void sendText(const QByteArray &json);
    void sendBinary(const QByteArray &frame);
    /// Closes without emitting lost(); returns the runs it was still awaiting (the caller
    /// reports them, or not when the whole session closes).
    QList<quint64> close(const QString &reason);
    int unansweredRuns() const { return int(m_awaiting.size()); }

Q_SIGNALS:
    /// Bytes of every message received (valid or not).
    void received(qint64 bytes);
    /// An `error` or `runTiming` message from the worker (the only control messages allowed here).
    void message(const accel::hostproto::ControlMessage &message);
    void result(quint64 requestId, const accel::hostproto::TensorFrame &frame);
    /// The connection ended while open: `unanswered` runs will get no answer on it.
    void lost(const QList<quint64> &unanswered, const QString &detail);

private:
    void onText(const QByteArray &utf8);
    void onBinary(const QByteArray &bytes);
    void violation(hostproto::ErrorCode code, const QString &detail);

    DataSocket *m_socket;
    hostproto::Limits m_limits;
    QSet<quint64> m_awaiting;
    bool m_open = true;
};

} // namespace accel
