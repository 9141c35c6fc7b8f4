// accelerate-node: headless daemon, --role coordinator or --role worker.
#include "common/Version.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QTextStream>

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("accelerate-node"));
    QCoreApplication::setApplicationVersion(accel::projectVersion());

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Accelerate Console headless node (coordinator or worker)."));
    parser.addHelpOption();
    parser.addVersionOption();
    QCommandLineOption roleOption(QStringLiteral("role"), QStringLiteral("coordinator or worker."),
                                  QStringLiteral("role"));
    parser.addOption(roleOption);
    parser.process(app);

    const QString role = parser.value(roleOption);
    if (role != QLatin1String("coordinator") && role != QLatin1String("worker")) {
        QTextStream(stderr) << "accelerate-node: --role must be 'coordinator' or 'worker'\n";
        return 2;
    }
    QTextStream(stderr) << "accelerate-node: role '" << role << "' is not available in this build yet\n";
    return 3;
}
