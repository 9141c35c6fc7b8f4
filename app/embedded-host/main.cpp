// accel-embedded-host URL [--visible]: runs the runtime page in an EmbeddedHost (QtWebEngine)
// until killed. Headless (offscreen) unless --visible. Only loopback http URLs are accepted.
// accel-embedded-host --group: several pages in one profile, opened and closed by commands on
// stdin (HostGroup.h).
#include "HostGroup.h"

#include "hosts/EmbeddedHost.h"

#include <QApplication>
#include <QDir>
#include <QTextStream>
#include <QUrl>
#include <QWebEngineView>

#include <memory>

#include <unistd.h>

int main(int argc, char **argv)
{
    bool visible = false;
    bool group = false;
    QString urlText;
    for (int i = 1; i < argc; ++i) {
        const QString arg = QString::fromLocal8Bit(argv[i]);
        if (arg == QLatin1String("--visible")) {
            visible = true;
        } else if (arg == QLatin1String("--group")) {
            group = true;
        } else if (!arg.startsWith(QLatin1Char('-'))) {
            urlText = arg;
        }
    }
    const QUrl url(urlText);
    if (group ? !urlText.isEmpty() : !isLoopbackHostUrl(url)) {
        QTextStream(stderr)
            << "usage: accel-embedded-host http://127.0.0.1:PORT/host.html?token=... [--visible]\n"
               "       accel-embedded-host --group   (commands on stdin: open ID URL, close ID)\n";
        return 2;
    }
    if (!visible && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) {
        qputenv("QT_QPA_PLATFORM", "offscreen");
    }
    // QtWebEngine refuses to run as root with its sandbox, and warns without XDG_RUNTIME_DIR.
    if (::geteuid() == 0 && qEnvironmentVariableIsEmpty("QTWEBENGINE_DISABLE_SANDBOX")) {
        qputenv("QTWEBENGINE_DISABLE_SANDBOX", "1");
    }
    if (qEnvironmentVariableIsEmpty("XDG_RUNTIME_DIR")) {
        const QString dir = QDir::tempPath() + QStringLiteral("/accelerate-runtime-%1").arg(::geteuid());
        QDir().mkpath(dir);
        QFile::setPermissions(dir, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
        qputenv("XDG_RUNTIME_DIR", dir.toLocal8Bit());
    }
    QCoreApplication::setAttribute(Qt::AA_ShareOpenGLContexts);
    QApplication app(argc, argv);
    if (group) {
        HostGroup hosts;
        return app.exec();
    }
    accel::ui::EmbeddedHost host(url);
    QObject::connect(&host, &accel::ui::EmbeddedHost::crashed, &app, [](const QString &status, int code) {
        QTextStream(stderr) << "accel-embedded-host: renderer " << status << " (" << code << ")\n";
        QCoreApplication::exit(3);
    });
    std::unique_ptr<QWebEngineView> view(visible ? host.view(nullptr) : nullptr);
    if (view) {
        view->resize(900, 600);
        view->show();
    }
    host.start();
    return app.exec();
}
