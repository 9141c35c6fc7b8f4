#pragma once

#include <QByteArray>
#include <QString>

namespace accel {

/// The coordinator's end of one worker connection. The transport (a QWebSocket in
/// CoordinatorServer, a direct call in the in-process benchmark) implements it; the
/// Coordinator never sees sockets. Owned by the transport, which must call
/// Coordinator::linkClosed() before destroying it.
class WorkerLink
{
public:
    virtual ~WorkerLink();
    virtual void sendFrame(const QByteArray &frame) = 0;
    /// Drop the connection (the transport then calls Coordinator::linkClosed()).
    virtual void closeLink(const QString &reason) = 0;
};

} // namespace accel
