// accelerate-console: the desktop GUI. Parses arguments, builds the objects, wires them, runs.
#include "common/Version.h"
#include "shell/AboutDialog.h"
#include "shell/ConsoleRuntime.h"
#include "shell/LanguageSettings.h"
#include "shell/MainWindow.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QStandardPaths>
#include <QTextStream>
#include <QTimer>

#include <unistd.h>

namespace {

// QtWebEngine refuses to start as root unless its sandbox is off; and it warns without a private
// XDG_RUNTIME_DIR. Both must be settled before QApplication exists.
void prepareEnvironment()
{
    if (::geteuid() == 0 && qEnvironmentVariableIsEmpty("QTWEBENGINE_DISABLE_SANDBOX")) {
        qputenv("QTWEBENGINE_DISABLE_SANDBOX", "1");
    }
    if (qEnvironmentVariableIsEmpty("XDG_RUNTIME_DIR")) {
        const QString dir = QDir::tempPath() + QStringLiteral("/accelerate-runtime-%1").arg(::geteuid());
        QDir().mkpath(dir);
        QFile::setPermissions(dir, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
        qputenv("XDG_RUNTIME_DIR", dir.toLocal8Bit());
    }
}

} // namespace

int main(int argc, char **argv)
{
    prepareEnvironment();
    QCoreApplication::setAttribute(Qt::AA_ShareOpenGLContexts);
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("AccelerateConsole"));
    QApplication::setApplicationName(QStringLiteral("accelerate-console"));
    QApplication::setApplicationDisplayName(QStringLiteral("Accelerate Console"));
    QApplication::setApplicationVersion(accel::projectVersion());
    QApplication::setDesktopFileName(accel::applicationId());

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Operator console for AI models on browser compute."));
    parser.addHelpOption();
    QCommandLineOption versionOption(QStringLiteral("version"), QStringLiteral("Print versions and exit."));
    QCommandLineOption languageOption(QStringLiteral("language"),
                                      QStringLiteral("UI language (system, en, de); overrides the setting."),
                                      QStringLiteral("code"));
    QCommandLineOption quitAfterOption(QStringLiteral("quit-after-ms"),
                                       QStringLiteral("Quit after this many milliseconds (smoke tests)."),
                                       QStringLiteral("ms"));
    QCommandLineOption dataDirOption(QStringLiteral("data-dir"),
                                     QStringLiteral("State directory (metrics, coordinator, worker)."),
                                     QStringLiteral("dir"));
    QCommandLineOption hostsOption(QStringLiteral("embedded-hosts"),
                                   QStringLiteral("Embedded hosts started with the console (default 2)."),
                                   QStringLiteral("n"), QStringLiteral("2"));
    QCommandLineOption weightLimitOption(
        QStringLiteral("weight-limit-mib"),
        QStringLiteral(
            "Model weights each host may hold, in MiB (default 0: the browser runtime's own limit)."),
        QStringLiteral("mib"), QStringLiteral("0"));
    QCommandLineOption commandsOption(QStringLiteral("allow-commands"),
                                      QStringLiteral("Let the local worker run command tasks."));
    parser.addOptions({versionOption, languageOption, quitAfterOption, dataDirOption, hostsOption,
                       weightLimitOption, commandsOption});
    parser.process(app);
    if (parser.isSet(versionOption)) {
        QTextStream(stdout) << accel::ui::AboutDialog::versionReport() << '\n';
        return 0;
    }

    const QString language = parser.isSet(languageOption) ? parser.value(languageOption)
                                                          : accel::ui::LanguageSettings::storedLanguage();
    accel::ui::LanguageSettings::install(&app, accel::ui::LanguageSettings::resolve(language));

    accel::ui::MainWindow window;
    accel::ui::ConsoleRuntime::Options options;
    options.dataDir = parser.isSet(dataDirOption)
                          ? parser.value(dataDirOption)
                          : QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation);
    bool hostsOk = false;
    options.embeddedHosts = parser.value(hostsOption).toInt(&hostsOk);
    if (!hostsOk || options.embeddedHosts < 0) {
        QTextStream(stderr) << "accelerate-console: --embedded-hosts wants a number >= 0\n";
        return 2;
    }
    bool weightOk = false;
    options.weightLimitMiB = parser.value(weightLimitOption).toInt(&weightOk);
    // 2^53 bytes is the protocol's limit; 2^31 MiB stays far below it.
    if (!weightOk || options.weightLimitMiB < 0) {
        QTextStream(stderr)
            << "accelerate-console: --weight-limit-mib wants a number of MiB >= 0 (0: no cap)\n";
        return 2;
    }
    options.localWorkerCommands = parser.isSet(commandsOption);
    accel::ui::ConsoleRuntime runtime(options);
    window.show();
    runtime.start(&window);

    if (parser.isSet(quitAfterOption)) {
        QTimer::singleShot(parser.value(quitAfterOption).toInt(), &app, &QCoreApplication::quit);
    }
    return app.exec();
}
