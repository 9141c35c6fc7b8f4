#include "model/KernelCheckBrowser.h"

#include "model/KernelCheck.h"
#include "model/KernelCheckServer.h"

#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTimer>

#include <csignal>
#include <sys/types.h>
#include <unistd.h>

namespace accel {

KernelCheckBrowser::KernelCheckBrowser(Kind kind, QObject *parent)
    : QObject(parent)
    , m_kind(kind)
{}

KernelCheckBrowser::~KernelCheckBrowser()
{
    stop();
}

QString KernelCheckBrowser::kindName(Kind kind)
{
    return kind == Kind::Firefox ? QStringLiteral("firefox") : QStringLiteral("chromium");
}

QString KernelCheckBrowser::findExecutable(Kind kind)
{
    const QByteArray overrideVar = kind == Kind::Firefox ? "ACCEL_FIREFOX" : "ACCEL_CHROMIUM";
    const QString fromEnv = qEnvironmentVariable(overrideVar.constData());
    if (!fromEnv.isEmpty()) {
        return QFile::exists(fromEnv) ? fromEnv : QString();
    }
    const QStringList names =
        kind == Kind::Firefox ? QStringList{QStringLiteral("firefox-esr"), QStringLiteral("firefox")}
                              : QStringList{QStringLiteral("chromium"), QStringLiteral("chromium-browser"),
                                            QStringLiteral("google-chrome")};
    for (const QString &name : names) {
        const QString path = QStandardPaths::findExecutable(name);
        if (!path.isEmpty()) {
            return path;
        }
    }
    return {};
}

bool KernelCheckBrowser::start(const QUrl &url, ModelError *error)
{
    stop();
    const QString program = findExecutable(m_kind);
    if (program.isEmpty()) {
        return fail(error, ModelErrorCode::Io, QStringLiteral("%1 is not installed").arg(kindName(m_kind)));
    }
    if (url.host() != QLatin1String("127.0.0.1")) {
        return fail(error, ModelErrorCode::BadInput,
                    QStringLiteral("check pages are served from 127.0.0.1 only"));
    }
    m_profile = std::make_unique<QTemporaryDir>();
    if (!m_profile->isValid()) {
        return fail(error, ModelErrorCode::Io, QStringLiteral("cannot create a temporary browser profile"));
    }
    QStringList args;
    if (m_kind == Kind::Chromium) {
        args << QStringLiteral("--headless") << QStringLiteral("--no-sandbox")
             << QStringLiteral("--disable-background-networking")
             << QStringLiteral("--disable-component-update") << QStringLiteral("--disable-sync")
             << QStringLiteral("--no-first-run") << QStringLiteral("--no-default-browser-check")
             << QStringLiteral("--user-data-dir=") + m_profile->path()
             << QStringLiteral("--enable-unsafe-webgpu") << QStringLiteral("--enable-unsafe-swiftshader")
             << QStringLiteral("--enable-features=WebMachineLearningNeuralNetwork") << url.toString();
    } else {
        QFile prefs(QDir(m_profile->path()).filePath(QStringLiteral("user.js")));
        if (!prefs.open(QIODevice::WriteOnly)) {
            return fail(error, ModelErrorCode::Io, QStringLiteral("cannot write the Firefox profile"));
        }
        prefs.write("user_pref(\"dom.webgpu.enabled\", true);\n"
                    "user_pref(\"gfx.webgpu.ignore-blocklist\", true);\n"
                    "user_pref(\"gfx.webgpu.force-enabled\", true);\n"
                    "user_pref(\"browser.shell.checkDefaultBrowser\", false);\n"
                    "user_pref(\"datareporting.policy.dataSubmissionEnabled\", false);\n"
                    "user_pref(\"toolkit.telemetry.reportingpolicy.firstRun\", false);\n"
                    "user_pref(\"browser.aboutwelcome.enabled\", false);\n"
                    "user_pref(\"app.update.enabled\", false);\n");
        prefs.close();
        args << QStringLiteral("--headless") << QStringLiteral("--no-remote") << QStringLiteral("--profile")
             << m_profile->path() << url.toString();
    }
    m_process = new QProcess(this);
    m_process->setStandardOutputFile(QProcess::nullDevice());
    if (qEnvironmentVariableIsEmpty("ACCEL_CHECK_BROWSER_STDERR")) {
        m_process->setStandardErrorFile(QProcess::nullDevice());
    }
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("MOZ_HEADLESS"), QStringLiteral("1"));
    m_process->setProcessEnvironment(env);
    m_process->setChildProcessModifier([] { ::setsid(); });
    m_process->start(program, args);
    if (!m_process->waitForStarted(10000)) {
        const QString why = m_process->errorString();
        stop();
        return fail(error, ModelErrorCode::Io, QStringLiteral("cannot start %1: %2").arg(program, why));
    }
    m_pid = m_process->processId();
    return true;
}

bool KernelCheckBrowser::isRunning() const
{
    return m_process && m_process->state() != QProcess::NotRunning;
}

void KernelCheckBrowser::stop()
{
    if (m_pid > 0) {
        ::kill(-pid_t(m_pid), SIGKILL); // the whole group: browser, renderers, GPU process
        m_pid = 0;
    }
    if (m_process) {
        m_process->waitForFinished(5000);
        delete m_process;
        m_process = nullptr;
    }
    m_profile.reset();
}

bool runKernelCheckInBrowser(KernelCheck *check, KernelCheckBrowser::Kind kind, int timeoutMs,
                             ModelError *error)
{
    KernelCheckServer server;
    if (!server.listen(error)) {
        return false;
    }
    check->publish(&server);
    KernelCheckBrowser browser(kind);
    if (!browser.start(server.checkPageUrl(), error)) {
        return false;
    }
    QEventLoop loop;
    QTimer timeout;
    timeout.setSingleShot(true);
    QObject::connect(&timeout, &QTimer::timeout, &loop, &QEventLoop::quit);
    QObject::connect(check, &KernelCheck::finished, &loop, &QEventLoop::quit);
    timeout.start(timeoutMs);
    if (!check->isFinished()) {
        loop.exec();
    }
    browser.stop();
    if (!check->isFinished()) {
        return fail(error, ModelErrorCode::Io,
                    QStringLiteral("the %1 check page did not finish within %2 s")
                        .arg(KernelCheckBrowser::kindName(kind))
                        .arg(timeoutMs / 1000));
    }
    return true;
}

} // namespace accel
