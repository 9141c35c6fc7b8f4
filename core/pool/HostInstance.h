#pragma once

#include "hosts/HostKind.h"

#include <QObject>

namespace accel {

/// One spawned host: a browser process, an embedded page, anything that opens `url` and then
/// connects to the RuntimeServer as host `hostId`. Owned by the ResourcePool (QObject parent).
///
/// Contract: emits `exited` at most once, when the host stopped on its own or was stopped
/// (crash=true when it died: signal, renderer crash, OOM). stop() is idempotent and may emit
/// `exited` synchronously or later; after `exited` the object may be deleted by its owner.
class HostInstance : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;
    ~HostInstance() override;

    virtual QString hostId() const = 0;
    virtual HostKind kind() const = 0;
    /// OS process id when the host is a separate process, else 0.
    virtual qint64 processId() const { return 0; }
    /// Stops the host (graceful first where possible). Must not block the caller's thread.
    virtual void stop() = 0;

Q_SIGNALS:
    void exited(bool crashed, const QString &detail);
};

} // namespace accel
