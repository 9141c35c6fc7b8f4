#include "hosts/BrowserLauncher.h"

#include "hosts/BrowserProcess.h"

#include "common/LogCategories.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcessEnvironment>
#include <QStandardPaths>
#include <QTemporaryDir>

#include <memory>

#include <unistd.h>

namespace accel {

namespace {

const char *overrideVariable(HostKind kind)
{
    switch (kind) {
    case HostKind::Chromium:
        return "ACCEL_CHROMIUM";
    case HostKind::Firefox:
        return "ACCEL_FIREFOX";
    case HostKind::Edge:
        return "ACCEL_EDGE";
    case HostKind::Embedded:
        break;
    }
    return nullptr;
}

bool isChromiumFamily(HostKind kind)
{
    return kind == HostKind::Chromium || kind == HostKind::Edge;
}

} // namespace

QStringList BrowserLauncher::candidates(HostKind kind)
{
    switch (kind) {
    case HostKind::Chromium:
        return {QStringLiteral("chromium"),
                QStringLiteral("chromium-browser"),
                QStringLiteral("google-chrome"),
                QStringLiteral("google-chrome-stable"),
                QStringLiteral("chrome"),
                QStringLiteral("/usr/lib/chromium/chromium"),
                QStringLiteral("/opt/google/chrome/chrome"),
                QStringLiteral("/snap/bin/chromium")};
    case HostKind::Firefox:
        return {QStringLiteral("firefox-esr"), QStringLiteral("firefox"),
                QStringLiteral("/usr/lib/firefox-esr/firefox-esr"),
                QStringLiteral("/usr/lib/firefox/firefox"), QStringLiteral("/snap/bin/firefox")};
    case HostKind::Edge:
        return {QStringLiteral("microsoft-edge"),
                QStringLiteral("microsoft-edge-stable"),
                QStringLiteral("microsoft-edge-beta"),
                QStringLiteral("microsoft-edge-dev"),
                QStringLiteral("msedge"),
                QStringLiteral("/opt/microsoft/msedge/msedge")};
    case HostKind::Embedded:
        break;
    }
    return {};
}

std::optional<BrowserInstall> BrowserLauncher::find(HostKind kind)
{
    if (const char *var = overrideVariable(kind)) {
        const QString path = qEnvironmentVariable(var);
        if (!path.isEmpty()) {
            const QFileInfo info(path);
            if (info.isFile() && info.isExecutable()) {
                return BrowserInstall{kind, info.absoluteFilePath()};
            }
            qCWarning(lcHosts).noquote() << var << "=" << path << "is not an executable file; searching PATH";
        }
    }
    for (const QString &candidate : candidates(kind)) {
        QString path;
        if (QDir::isAbsolutePath(candidate)) {
            const QFileInfo info(candidate);
            if (info.isFile() && info.isExecutable()) {
                path = candidate;
            }
        } else {
            path = QStandardPaths::findExecutable(candidate);
        }
        if (!path.isEmpty()) {
            return BrowserInstall{kind, path};
        }
    }
    return std::nullopt;
}

QList<BrowserInstall> BrowserLauncher::detect()
{
    QList<BrowserInstall> found;
    for (HostKind kind : {HostKind::Chromium, HostKind::Firefox, HostKind::Edge}) {
        if (std::optional<BrowserInstall> b = find(kind)) {
            found.append(*b);
        }
    }
    return found;
}

QStringList BrowserLauncher::arguments(HostKind kind, const QString &profileDir, const QUrl &url,
                                       const BrowserLaunchOptions &options, bool asRoot)
{
    QStringList args;
    if (isChromiumFamily(kind)) {
        if (options.headless) {
            args << QStringLiteral("--headless");
        }
        if (asRoot) {
            args << QStringLiteral("--no-sandbox");
        }
        args << QStringLiteral("--user-data-dir=") + profileDir << QStringLiteral("--no-first-run")
             << QStringLiteral("--no-default-browser-check")
             << QStringLiteral("--disable-background-networking")
             << QStringLiteral("--disable-component-update")
             << QStringLiteral("--disable-sync")
             // crashpad's handler leaves the process group; a throw-away host needs no reports.
             << QStringLiteral("--disable-crash-reporter")
             << QStringLiteral("--disable-breakpad")
             // A compute host must not be throttled when hidden or in the background.
             << QStringLiteral("--disable-background-timer-throttling")
             << QStringLiteral("--disable-renderer-backgrounding")
             << QStringLiteral("--disable-backgrounding-occluded-windows")
             // WebGPU (SwiftShader when there is no GPU) and the WebNN API.
             << QStringLiteral("--enable-unsafe-webgpu") << QStringLiteral("--enable-unsafe-swiftshader")
             << QStringLiteral("--enable-features=WebMachineLearningNeuralNetwork");
    } else if (kind == HostKind::Firefox) {
        if (options.headless) {
            args << QStringLiteral("--headless");
        }
        args << QStringLiteral("--no-remote") << QStringLiteral("--profile") << profileDir;
    }
    args << options.extraArguments;
    args << url.toString(QUrl::FullyEncoded);
    return args;
}

QByteArray BrowserLauncher::firefoxUserJs()
{
    return QByteArrayLiteral("// Written by Accelerate Console for a throw-away compute-host profile.\n"
                             "user_pref(\"dom.webgpu.enabled\", true);\n"
                             "user_pref(\"gfx.webgpu.ignore-blocklist\", true);\n"
                             "user_pref(\"gfx.webgpu.force-enabled\", true);\n"
                             "user_pref(\"browser.shell.checkDefaultBrowser\", false);\n"
                             "user_pref(\"datareporting.policy.dataSubmissionEnabled\", false);\n"
                             "user_pref(\"toolkit.telemetry.reportingpolicy.firstRun\", false);\n"
                             "user_pref(\"browser.aboutwelcome.enabled\", false);\n"
                             "user_pref(\"browser.startup.homepage_override.mstone\", \"ignore\");\n"
                             "user_pref(\"app.update.enabled\", false);\n"
                             "user_pref(\"browser.sessionstore.resume_from_crash\", false);\n"
                             // Background tabs must keep heartbeating at full rate.
                             "user_pref(\"dom.min_background_timeout_value\", 0);\n");
}

BrowserProcess *BrowserLauncher::launch(const BrowserInstall &browser, const QUrl &url,
                                        const BrowserLaunchOptions &options, QObject *parent, QString *error)
{
    auto profile = std::make_unique<QTemporaryDir>(
        QDir::tempPath() + QStringLiteral("/accel-%1-profile-XXXXXX").arg(hostKindName(browser.kind)));
    if (!profile->isValid()) {
        if (error) {
            *error = QStringLiteral("cannot create a temporary profile: %1").arg(profile->errorString());
        }
        return nullptr;
    }
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    if (browser.kind == HostKind::Firefox) {
        QFile userJs(profile->filePath(QStringLiteral("user.js")));
        if (!userJs.open(QIODevice::WriteOnly) || userJs.write(firefoxUserJs()) < 0) {
            if (error) {
                *error = QStringLiteral("cannot write %1: %2").arg(userJs.fileName(), userJs.errorString());
            }
            return nullptr;
        }
        if (options.headless) {
            env.insert(QStringLiteral("MOZ_HEADLESS"), QStringLiteral("1"));
        }
    }
    const QStringList args = arguments(browser.kind, profile->path(), url, options, ::geteuid() == 0);
    auto *process = new BrowserProcess(browser.kind, browser.program, args, env, std::move(profile), parent);
    if (!process->start(error)) {
        delete process;
        return nullptr;
    }
    return process;
}

} // namespace accel
