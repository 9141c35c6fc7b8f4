// accelctl: command-line client for CI and scripts (submit, wait, status, bench, report, ...).
#include "CommandRegistry.h"

#include "common/Version.h"

#include <QCoreApplication>
#include <QTextStream>

namespace {

void printUsage(QTextStream &out)
{
    out << "usage: accelctl <command> [args...]\n\ncommands:\n";
    for (const accelctl::Command &c : accelctl::CommandRegistry::all()) {
        out << "  " << c.name.leftJustified(12) << c.summary << '\n';
    }
    out << "\n'accelctl <command> --help' describes a command.\n";
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("accelctl"));
    QCoreApplication::setApplicationVersion(accel::projectVersion());

    QStringList args = QCoreApplication::arguments().mid(1);
    QTextStream out(stdout);
    if (args.isEmpty() || args.first() == QLatin1String("--help") || args.first() == QLatin1String("-h") ||
        args.first() == QLatin1String("help")) {
        printUsage(out);
        return args.isEmpty() ? 2 : 0;
    }
    if (args.first() == QLatin1String("--version")) {
        out << "accelctl " << accel::projectVersion() << " (Qt " << qVersion() << ")\n";
        return 0;
    }
    const QString name = args.takeFirst();
    const accelctl::Command *command = accelctl::CommandRegistry::find(name);
    if (!command) {
        QTextStream err(stderr);
        err << "accelctl: unknown command '" << name << "'\n";
        printUsage(err); // usage on stderr: scripts reading stdout must not mistake it for output
        return 2;
    }
    return command->run(args);
}
