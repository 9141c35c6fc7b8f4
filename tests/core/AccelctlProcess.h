#pragma once

// Runs the real accelctl binary (path in $ACCEL_CTL_BIN, set by accel_add_test) for tests of
// its commands: exit code, stdout and stderr.
#include <QProcess>
#include <QString>
#include <QStringList>

namespace testsupport {

struct AccelctlRun
{
    int exitCode = -1; ///< -1 when it did not finish in time (it is killed)
    QString out;
    QString err;
};

inline AccelctlRun runAccelctl(const QStringList &args, int timeoutMs = 60000)
{
    QProcess p;
    p.start(qEnvironmentVariable("ACCEL_CTL_BIN"), args);
    AccelctlRun r;
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        return r;
    }
    r.exitCode = p.exitCode();
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

} // namespace testsupport
