#pragma once

#include "hosts/HostKind.h"
#include "pool/HostInstance.h"

#include <QObject>
#include <QUrl>

namespace accel {

/// Spawns hosts of one kind. The pool stays in core: the browser launcher factory lives in core,
/// the embedded (QtWebEngine) one in ui, and the pool only sees this interface.
class HostFactory
{
public:
    virtual ~HostFactory();
    virtual HostKind kind() const = 0;
    /// False (with a reason) when this machine cannot spawn the kind (browser not installed).
    virtual bool isAvailable(QString *whyNot = nullptr) const = 0;
    /// Starts a host that opens `url` (which names `hostId`). Returns nullptr with `error` set on
    /// failure. The returned object is parented to `parent`.
    virtual HostInstance *spawn(const QString &hostId, const QUrl &url, QObject *parent, QString *error) = 0;
};

} // namespace accel
