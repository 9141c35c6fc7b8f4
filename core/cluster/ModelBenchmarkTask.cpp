#include "cluster/ModelBenchmarkTask.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>

namespace accel::ModelBenchmarkTask {

QString program()
{
    QStringList candidates;
    const QString env = qEnvironmentVariable("ACCEL_ACCELCTL");
    if (!env.isEmpty()) {
        candidates << env;
    }
    const QDir dir(QCoreApplication::applicationDirPath());
    candidates << dir.filePath(QStringLiteral("accelctl"))
               << dir.filePath(QStringLiteral("../accelctl/accelctl"))
               << dir.filePath(QStringLiteral("../../../app/accelctl/accelctl"));
    for (const QString &c : candidates) {
        const QFileInfo info(c);
        if (info.isFile() && info.isExecutable()) {
            return info.canonicalFilePath();
        }
    }
    return QStandardPaths::findExecutable(QStringLiteral("accelctl"));
}

TaskSpec toCommand(const TaskSpec &spec, const QString &program)
{
    TaskSpec cmd = spec;
    cmd.kind = TaskSpec::Kind::Command;
    cmd.argv = QStringList{program, QStringLiteral("model-bench"), QStringLiteral("--model"), spec.model};
    if (!spec.hosts.isEmpty()) {
        cmd.argv << QStringLiteral("--hosts") << spec.hosts.join(QLatin1Char(','));
    }
    if (!spec.backends.isEmpty()) {
        cmd.argv << QStringLiteral("--backends") << spec.backends.join(QLatin1Char(','));
    }
    if (spec.iterations > 0) {
        cmd.argv << QStringLiteral("--iterations") << QString::number(spec.iterations);
    }
    cmd.argv << QStringLiteral("--json") << QString::fromLatin1(kResultFile);
    cmd.workingDir.clear();
    cmd.outputs = QStringList{QString::fromLatin1(kResultFile)};
    return cmd;
}

} // namespace accel::ModelBenchmarkTask
