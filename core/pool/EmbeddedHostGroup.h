#pragma once

#include "common/LineBuffer.h"
#include "pool/HostInstance.h"

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QProcess>

namespace accel {

class EmbeddedGroupHostInstance;

/// One `accel-embedded-host --group` process holding several runtime pages in one QtWebEngine
/// profile, like tabs of one browser: the pages share the profile's link broker, so adjacent
/// pipeline stages on them hand activations page to page (docs/host-protocol.md, "Links").
/// Each page has its own renderer process; killing it (kill -9 of the instance's processId())
/// is a tab crash that ends that host only. The line protocol is documented in
/// app/embedded-host/HostGroup.h. The helper exits when this object (its stdin) goes away.
///
/// Thread: the owner's; instances are parented by the caller and must not outlive the group's
/// owner in use (they notice a deleted group and report themselves ended).
class EmbeddedHostGroup : public QObject
{
    Q_OBJECT
public:
    EmbeddedHostGroup(QString program, QProcessEnvironment environment, QObject *parent = nullptr);
    ~EmbeddedHostGroup() override;

    /// Starts the helper on first use; opens a page for `hostId`. Null (with `error`) when the
    /// helper cannot start.
    EmbeddedGroupHostInstance *open(const QString &hostId, const QUrl &url, QObject *parent, QString *error);
    bool isRunning() const { return m_process.state() != QProcess::NotRunning; }
    qint64 processId() const { return m_process.processId(); }

private:
    friend class EmbeddedGroupHostInstance;
    void send(const QByteArray &line);
    void onOutput();
    void onFinished();
    void handleLine(const QByteArray &line);

    QString m_program;
    QProcess m_process;
    LineBuffer m_buffer;
    QHash<QString, QPointer<EmbeddedGroupHostInstance>> m_instances;
};

/// A page of an EmbeddedHostGroup. processId() is its renderer's pid (0 until it runs).
class EmbeddedGroupHostInstance : public HostInstance
{
    Q_OBJECT
public:
    EmbeddedGroupHostInstance(EmbeddedHostGroup *group, QString hostId, QObject *parent);
    ~EmbeddedGroupHostInstance() override;

    QString hostId() const override { return m_hostId; }
    HostKind kind() const override { return HostKind::Embedded; }
    qint64 processId() const override { return m_pid; }
    /// Closes the page (it says goodbye as it unloads); exited() at once.
    void stop() override;

private:
    friend class EmbeddedHostGroup;
    void end(bool crashed, const QString &detail);

    QPointer<EmbeddedHostGroup> m_group;
    QString m_hostId;
    qint64 m_pid = 0;
    bool m_done = false;
};

} // namespace accel
