#include "pool/EmbeddedProcessHostFactory.h"

#include "hosts/BrowserProcess.h"
#include "pool/BrowserHostFactory.h"
#include "pool/EmbeddedHostGroup.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>

namespace accel {

namespace {
const QString kHelper = QStringLiteral("accel-embedded-host");
}

QStringList EmbeddedProcessHostFactory::candidates()
{
    QStringList out;
    const QString env = qEnvironmentVariable("ACCEL_EMBEDDED_HOST");
    if (!env.isEmpty()) {
        out << env;
    }
    const QString dir = QCoreApplication::applicationDirPath();
    out << QDir(dir).filePath(kHelper) << QDir(dir).filePath(QStringLiteral("../embedded-host/") + kHelper);
    // Test executables live in build/tests/<group>/<area>/.
    out << QDir(dir).filePath(QStringLiteral("../../../app/embedded-host/") + kHelper);
    return out;
}

EmbeddedProcessHostFactory::~EmbeddedProcessHostFactory() = default;

EmbeddedProcessHostFactory::EmbeddedProcessHostFactory(Sharing sharing)
    : m_sharing(sharing)
{
    for (const QString &candidate : candidates()) {
        const QFileInfo info(candidate);
        if (info.isFile() && info.isExecutable()) {
            m_program = info.canonicalFilePath();
            return;
        }
    }
    m_program = QStandardPaths::findExecutable(kHelper);
}

bool EmbeddedProcessHostFactory::isAvailable(QString *whyNot) const
{
    if (m_program.isEmpty() && whyNot) {
        *whyNot = QStringLiteral("%1 was not found (searched %2 and PATH; set ACCEL_EMBEDDED_HOST)")
                      .arg(kHelper, candidates().join(QLatin1String(", ")));
    }
    return !m_program.isEmpty();
}

qint64 EmbeddedProcessHostFactory::groupProcessId() const
{
    return m_group ? m_group->processId() : 0;
}

QProcessEnvironment EmbeddedProcessHostFactory::environment() const
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    if (!env.contains(QStringLiteral("QT_QPA_PLATFORM"))) {
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    }
    return env;
}

HostInstance *EmbeddedProcessHostFactory::spawn(const QString &hostId, const QUrl &url, QObject *parent,
                                                QString *error)
{
    if (!isAvailable(error)) {
        return nullptr;
    }
    if (m_sharing == Sharing::OneBrowser) {
        if (!m_group) {
            m_group = std::make_unique<EmbeddedHostGroup>(m_program, environment());
        }
        return m_group->open(hostId, url, parent, error);
    }
    auto *process = new BrowserProcess(HostKind::Embedded, m_program, {url.toString(QUrl::FullyEncoded)},
                                       environment(), nullptr, nullptr);
    if (!process->start(error)) {
        delete process;
        return nullptr;
    }
    return new BrowserHostInstance(hostId, process, parent);
}

} // namespace accel
