#include "pool/EmbeddedHostGroup.h"

#include "common/LogCategories.h"

#include <QUrl>

namespace accel {

namespace {
constexpr int kStartTimeoutMs = 10000;
constexpr int kExitWaitMs = 3000;
constexpr qsizetype kMaxLineBytes = 8192;
} // namespace

EmbeddedHostGroup::EmbeddedHostGroup(QString program, QProcessEnvironment environment, QObject *parent)
    : QObject(parent)
    , m_program(std::move(program))
    , m_buffer(kMaxLineBytes)
{
    m_process.setProcessEnvironment(environment);
    m_process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    connect(&m_process, &QProcess::readyReadStandardOutput, this, &EmbeddedHostGroup::onOutput);
    connect(&m_process, &QProcess::finished, this, &EmbeddedHostGroup::onFinished);
}

EmbeddedHostGroup::~EmbeddedHostGroup()
{
    m_process.disconnect(this);
    for (const auto &instance : std::as_const(m_instances)) {
        if (instance) {
            instance->end(false, QStringLiteral("the embedded host group was closed"));
        }
    }
    if (m_process.state() != QProcess::NotRunning) {
        m_process.closeWriteChannel(); // the helper exits at the end of its stdin
        if (!m_process.waitForFinished(kExitWaitMs)) {
            m_process.kill();
            m_process.waitForFinished(kExitWaitMs);
        }
    }
}

EmbeddedGroupHostInstance *EmbeddedHostGroup::open(const QString &hostId, const QUrl &url, QObject *parent,
                                                   QString *error)
{
    if (hostId.isEmpty() || hostId.contains(QLatin1Char(' ')) || m_instances.value(hostId)) {
        if (error) {
            *error = QStringLiteral("host id '%1' is empty, has a space or is already open").arg(hostId);
        }
        return nullptr;
    }
    if (m_process.state() == QProcess::NotRunning) {
        m_buffer.clear();
        m_process.start(m_program, {QStringLiteral("--group")});
        if (!m_process.waitForStarted(kStartTimeoutMs)) {
            if (error) {
                *error =
                    QStringLiteral("%1 --group did not start: %2").arg(m_program, m_process.errorString());
            }
            return nullptr;
        }
        qCInfo(lcHosts).noquote() << "embedded host group started, pid" << m_process.processId();
    }
    auto *instance = new EmbeddedGroupHostInstance(this, hostId, parent);
    m_instances.insert(hostId, instance);
    send("open " + hostId.toUtf8() + ' ' + url.toString(QUrl::FullyEncoded).toUtf8());
    return instance;
}

void EmbeddedHostGroup::send(const QByteArray &line)
{
    if (m_process.state() == QProcess::Running) {
        m_process.write(line + '\n');
    }
}

void EmbeddedHostGroup::onOutput()
{
    m_buffer.append(m_process.readAllStandardOutput());
    for (const QByteArray &line : m_buffer.takeLines()) {
        handleLine(line);
    }
    if (m_buffer.overflowed()) {
        qCWarning(lcHosts) << "embedded host group: an output line over" << kMaxLineBytes << "bytes, dropped";
    }
}

void EmbeddedHostGroup::handleLine(const QByteArray &line)
{
    const QList<QByteArray> parts = line.trimmed().split(' ');
    const QByteArray verb = parts.value(0);
    EmbeddedGroupHostInstance *instance = m_instances.value(QString::fromUtf8(parts.value(1))).data();
    if (verb == "opened" && parts.size() == 3 && instance) {
        instance->m_pid = parts[2].toLongLong();
    } else if (verb == "crashed" && parts.size() == 4 && instance) {
        m_instances.remove(instance->hostId());
        instance->end(true, QStringLiteral("renderer %1 (exit code %2)")
                                .arg(QString::fromUtf8(parts[2]).replace(QLatin1Char('_'), QLatin1Char(' ')),
                                     QString::fromUtf8(parts[3])));
    } else if (verb == "closed") {
        m_instances.remove(QString::fromUtf8(parts.value(1)));
    } else if (verb == "error") {
        qCWarning(lcHosts).noquote() << "embedded host group:" << line.mid(6);
    } else if (!verb.isEmpty() && verb != "opened" && verb != "crashed") {
        qCWarning(lcHosts).noquote() << "embedded host group: unexpected line" << line.left(200);
    }
}

void EmbeddedHostGroup::onFinished()
{
    const QString detail = QStringLiteral("the embedded host process ended (exit code %1, %2)")
                               .arg(m_process.exitCode())
                               .arg(m_process.exitStatus() == QProcess::CrashExit ? QStringLiteral("killed")
                                                                                  : QStringLiteral("normal"));
    qCWarning(lcHosts).noquote() << "embedded host group:" << detail;
    const auto instances = std::exchange(m_instances, {});
    for (const auto &instance : instances) {
        if (instance) {
            instance->end(true, detail);
        }
    }
}

EmbeddedGroupHostInstance::EmbeddedGroupHostInstance(EmbeddedHostGroup *group, QString hostId,
                                                     QObject *parent)
    : HostInstance(parent)
    , m_group(group)
    , m_hostId(std::move(hostId))
{}

EmbeddedGroupHostInstance::~EmbeddedGroupHostInstance()
{
    if (!m_done && m_group) {
        m_group->send("close " + m_hostId.toUtf8());
    }
}

void EmbeddedGroupHostInstance::stop()
{
    if (m_done) {
        return;
    }
    if (m_group) {
        m_group->send("close " + m_hostId.toUtf8());
    }
    end(false, QStringLiteral("stopped"));
}

void EmbeddedGroupHostInstance::end(bool crashed, const QString &detail)
{
    if (m_done) {
        return;
    }
    m_done = true;
    Q_EMIT exited(crashed, detail);
}

} // namespace accel
