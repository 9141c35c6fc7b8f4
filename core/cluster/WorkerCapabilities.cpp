#include "cluster/WorkerCapabilities.h"

#include "cluster/ModelBenchmarkTask.h"
#include "cluster/TaskSpec.h"
#include "hosts/BrowserLauncher.h"

#include <QFile>
#include <QJsonArray>
#include <QStorageInfo>
#include <QSysInfo>
#include <QThread>

namespace accel {

QStringList WorkerCapabilities::capabilityStrings() const
{
    QStringList caps;
    if (commandTasks) {
        caps << QStringLiteral("command");
    }
    if (modelBenchmarks) {
        caps << QStringLiteral("model-benchmark");
    }
    if (nativeBackend) {
        caps << QStringLiteral("native-backend");
    }
    for (const Browser &b : browsers) {
        caps << QStringLiteral("browser:") + b.name;
        for (const QString &f : b.features) {
            caps << QStringLiteral("feature:") + f << QStringLiteral("browser:%1:%2").arg(b.name, f);
        }
    }
    caps.removeDuplicates();
    return caps;
}

QString WorkerCapabilities::mismatch(const TaskRequirements &req,
                                     const QStringList &requiredCapabilities) const
{
    return mismatch(req, requiredCapabilities, capabilityStrings());
}

QString WorkerCapabilities::mismatch(const TaskRequirements &req, const QStringList &requiredCapabilities,
                                     const QStringList &offered) const
{
    for (const QString &c : requiredCapabilities) {
        if (!offered.contains(c)) {
            return QStringLiteral("lacks capability '%1'").arg(c);
        }
    }
    for (const QString &l : req.labels) {
        if (!labels.contains(l)) {
            return QStringLiteral("lacks label '%1'").arg(l);
        }
    }
    if (req.minMemoryMb > 0 && memoryMb < req.minMemoryMb) {
        return QStringLiteral("has %1 MB memory, task needs %2 MB").arg(memoryMb).arg(req.minMemoryMb);
    }
    if (!req.os.isEmpty() && req.os != os && req.os != kernel) {
        return QStringLiteral("runs %1, task needs %2").arg(os, req.os);
    }
    return {};
}

QJsonObject WorkerCapabilities::toJson() const
{
    const QJsonArray bs = browsersToJson(browsers);
    return {{QStringLiteral("cpus"), cpus},
            {QStringLiteral("memoryMb"), memoryMb},
            {QStringLiteral("freeDiskMb"), freeDiskMb},
            {QStringLiteral("os"), os},
            {QStringLiteral("kernel"), kernel},
            {QStringLiteral("arch"), arch},
            {QStringLiteral("browsers"), bs},
            {QStringLiteral("nativeBackend"), nativeBackend},
            {QStringLiteral("commandTasks"), commandTasks},
            {QStringLiteral("modelBenchmarks"), modelBenchmarks},
            {QStringLiteral("labels"), QJsonArray::fromStringList(labels)},
            {QStringLiteral("slots"), slotCount}};
}

bool WorkerCapabilities::fromJson(const QJsonObject &o, WorkerCapabilities *out, QString *error)
{
    WorkerCapabilities c;
    auto intField = [&](const char *key, qint64 max, qint64 *dst) {
        const QJsonValue v = o.value(QLatin1String(key));
        if (v.isUndefined()) {
            return true;
        }
        const double d = v.toDouble(-1);
        if (!v.isDouble() || d < 0 || d > double(max) || d != double(qint64(d))) {
            *error = QStringLiteral("capabilities.%1 must be an integer in [0, %2]")
                         .arg(QLatin1String(key))
                         .arg(max);
            return false;
        }
        *dst = qint64(d);
        return true;
    };
    qint64 cpus = 0, slotValue = 1;
    if (!intField("cpus", 65536, &cpus) || !intField("memoryMb", 1LL << 40, &c.memoryMb) ||
        !intField("freeDiskMb", 1LL << 50, &c.freeDiskMb) || !intField("slots", 1024, &slotValue)) {
        return false;
    }
    if (slotValue < 1) {
        *error = QStringLiteral("capabilities.slots must be at least 1");
        return false;
    }
    c.cpus = int(cpus);
    c.slotCount = int(slotValue);
    c.os = o.value(QStringLiteral("os")).toString().left(128);
    c.kernel = o.value(QStringLiteral("kernel")).toString().left(128);
    c.arch = o.value(QStringLiteral("arch")).toString().left(128);
    c.nativeBackend = o.value(QStringLiteral("nativeBackend")).toBool();
    c.commandTasks = o.value(QStringLiteral("commandTasks")).toBool();
    c.modelBenchmarks = o.value(QStringLiteral("modelBenchmarks")).toBool();
    const QJsonArray labels = o.value(QStringLiteral("labels")).toArray();
    if (labels.size() > 256) {
        *error = QStringLiteral("too many labels");
        return false;
    }
    for (const QJsonValue &l : labels) {
        if (!l.isString() || l.toString().isEmpty() || l.toString().size() > 256) {
            *error = QStringLiteral("labels must be non-empty strings");
            return false;
        }
        c.labels << l.toString();
    }
    if (!browsersFromJson(o.value(QStringLiteral("browsers")), &c.browsers, error)) {
        return false;
    }
    *out = c;
    return true;
}

QJsonArray WorkerCapabilities::browsersToJson(const QList<Browser> &browsers)
{
    QJsonArray bs;
    for (const Browser &b : browsers) {
        QJsonObject o{{QStringLiteral("name"), b.name},
                      {QStringLiteral("path"), b.path},
                      {QStringLiteral("features"), QJsonArray::fromStringList(b.features)}};
        if (!b.probe.isEmpty()) {
            o.insert(QStringLiteral("probe"), b.probe);
        }
        if (!b.probeError.isEmpty()) {
            o.insert(QStringLiteral("probeError"), b.probeError);
        }
        bs.append(o);
    }
    return bs;
}

bool WorkerCapabilities::browsersFromJson(const QJsonValue &v, QList<Browser> *out, QString *error)
{
    if (v.isUndefined()) {
        out->clear();
        return true;
    }
    if (!v.isArray() || v.toArray().size() > 32) {
        *error = QStringLiteral("'browsers' must be an array of at most 32 browsers");
        return false;
    }
    auto isName = [](const QString &s) {
        if (s.isEmpty() || s.size() > 64) {
            return false;
        }
        for (QChar ch : s) {
            if (!((ch >= QLatin1Char('a') && ch <= QLatin1Char('z')) || ch.isDigit() ||
                  ch == QLatin1Char('-'))) {
                return false;
            }
        }
        return true;
    };
    QList<Browser> list;
    for (const QJsonValue &e : v.toArray()) {
        if (!e.isObject()) {
            *error = QStringLiteral("a browser must be an object");
            return false;
        }
        const QJsonObject b = e.toObject();
        Browser browser;
        browser.name = b.value(QStringLiteral("name")).toString();
        if (!isName(browser.name)) {
            *error = QStringLiteral("a browser needs a name of 1-64 characters [a-z0-9-]");
            return false;
        }
        browser.path = b.value(QStringLiteral("path")).toString().left(4096);
        const QJsonArray features = b.value(QStringLiteral("features")).toArray();
        if (features.size() > 64) {
            *error = QStringLiteral("browser '%1' lists more than 64 features").arg(browser.name);
            return false;
        }
        for (const QJsonValue &f : features) {
            if (!isName(f.toString())) {
                *error = QStringLiteral("browser '%1': features are names of 1-64 characters [a-z0-9-]")
                             .arg(browser.name);
                return false;
            }
            browser.features << f.toString();
        }
        browser.features.removeDuplicates();
        browser.probe = b.value(QStringLiteral("probe")).toString();
        if (!browser.probe.isEmpty() && browser.probe != QLatin1String("pending") &&
            browser.probe != QLatin1String("done") && browser.probe != QLatin1String("failed")) {
            *error = QStringLiteral("browser '%1': probe must be pending, done or failed").arg(browser.name);
            return false;
        }
        const QJsonValue probeError = b.value(QStringLiteral("probeError"));
        if (!probeError.isUndefined() && (!probeError.isString() || probeError.toString().size() > 4096)) {
            *error = QStringLiteral("browser '%1': probeError must be a string of at most 4096 characters")
                         .arg(browser.name);
            return false;
        }
        browser.probeError = probeError.toString();
        list.append(browser);
    }
    *out = list;
    return true;
}

WorkerCapabilities WorkerCapabilities::detect(const QString &workDir)
{
    WorkerCapabilities c;
    c.cpus = QThread::idealThreadCount();
    QFile meminfo(QStringLiteral("/proc/meminfo"));
    if (meminfo.open(QIODevice::ReadOnly)) {
        const QList<QByteArray> lines = meminfo.readAll().split('\n');
        for (const QByteArray &line : lines) {
            if (line.startsWith("MemTotal:")) {
                c.memoryMb = line.mid(9).trimmed().split(' ').first().toLongLong() / 1024;
            }
        }
    }
    const QStorageInfo storage(workDir);
    if (storage.isValid()) {
        c.freeDiskMb = storage.bytesAvailable() / (1024 * 1024);
    }
    c.os = QSysInfo::productType();
    c.kernel = QSysInfo::kernelType();
    c.arch = QSysInfo::currentCpuArchitecture();
    // Browsers are found, not started: compute features are filled in by a probe (BrowserProber)
    // when the worker runs one; until then they are honestly empty.
    for (const BrowserInstall &b : BrowserLauncher::detect()) {
        c.browsers.append({hostKindName(b.kind), b.program, {}, {}, {}});
    }
    // Model benchmarks run through accelctl (native reference, embedded helper and browsers).
    c.modelBenchmarks = !ModelBenchmarkTask::program().isEmpty();
    c.nativeBackend = c.modelBenchmarks;
    return c;
}

} // namespace accel
