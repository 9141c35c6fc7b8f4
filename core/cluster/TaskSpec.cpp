#include "cluster/TaskSpec.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSet>

namespace accel {

namespace {

QJsonArray toArray(const QStringList &l)
{
    return QJsonArray::fromStringList(l);
}

QJsonObject toObject(const QMap<QString, QString> &m)
{
    QJsonObject o;
    for (auto it = m.cbegin(); it != m.cend(); ++it) {
        o.insert(it.key(), it.value());
    }
    return o;
}

bool readStringList(const QJsonObject &o, const char *key, QStringList *out, int maxItems, QString *error)
{
    const QJsonValue v = o.value(QLatin1String(key));
    if (v.isUndefined() || v.isNull()) {
        return true;
    }
    if (!v.isArray()) {
        *error = QStringLiteral("'%1' must be an array of strings").arg(QLatin1String(key));
        return false;
    }
    const QJsonArray a = v.toArray();
    if (a.size() > maxItems) {
        *error = QStringLiteral("'%1' has %2 entries (limit %3)")
                     .arg(QLatin1String(key))
                     .arg(a.size())
                     .arg(maxItems);
        return false;
    }
    for (const QJsonValue &e : a) {
        if (!e.isString() || e.toString().size() > TaskSpec::kMaxStringBytes) {
            *error = QStringLiteral("'%1' must contain only strings (up to 64 KiB)").arg(QLatin1String(key));
            return false;
        }
        out->append(e.toString());
    }
    return true;
}

bool readStringMap(const QJsonObject &o, const char *key, QMap<QString, QString> *out, QString *error)
{
    const QJsonValue v = o.value(QLatin1String(key));
    if (v.isUndefined() || v.isNull()) {
        return true;
    }
    if (!v.isObject() || v.toObject().size() > 1024) {
        *error = QStringLiteral("'%1' must be an object of strings (up to 1024)").arg(QLatin1String(key));
        return false;
    }
    const QJsonObject m = v.toObject();
    for (auto it = m.begin(); it != m.end(); ++it) {
        if (!it.value().isString() || it.key().isEmpty()) {
            *error = QStringLiteral("'%1.%2' must be a string").arg(QLatin1String(key), it.key());
            return false;
        }
        out->insert(it.key(), it.value().toString());
    }
    return true;
}

bool readString(const QJsonObject &o, const char *key, QString *out, QString *error)
{
    const QJsonValue v = o.value(QLatin1String(key));
    if (v.isUndefined() || v.isNull()) {
        return true;
    }
    if (!v.isString() || v.toString().size() > TaskSpec::kMaxStringBytes) {
        *error = QStringLiteral("'%1' must be a string").arg(QLatin1String(key));
        return false;
    }
    *out = v.toString();
    return true;
}

bool readInt(const QJsonObject &o, const char *key, qint64 *out, qint64 min, qint64 max, QString *error)
{
    const QJsonValue v = o.value(QLatin1String(key));
    if (v.isUndefined() || v.isNull()) {
        return true;
    }
    const double d = v.toDouble(-1e300);
    if (!v.isDouble() || d != double(qint64(d)) || d < double(min) || d > double(max)) {
        *error =
            QStringLiteral("'%1' must be an integer in [%2, %3]").arg(QLatin1String(key)).arg(min).arg(max);
        return false;
    }
    *out = qint64(d);
    return true;
}

const QRegularExpression &idPattern()
{
    static const QRegularExpression re(QStringLiteral("^[A-Za-z0-9._:-]{1,128}$"));
    return re;
}

} // namespace

QJsonObject TaskRequirements::toJson() const
{
    QJsonObject o;
    if (!labels.isEmpty()) {
        o.insert(QStringLiteral("labels"), toArray(labels));
    }
    if (!capabilities.isEmpty()) {
        o.insert(QStringLiteral("capabilities"), toArray(capabilities));
    }
    if (minMemoryMb > 0) {
        o.insert(QStringLiteral("minMemoryMb"), minMemoryMb);
    }
    if (!os.isEmpty()) {
        o.insert(QStringLiteral("os"), os);
    }
    return o;
}

QJsonObject RetryPolicy::toJson() const
{
    return {{QStringLiteral("maxRetries"), maxRetries},
            {QStringLiteral("maxInfraAttempts"), maxInfraAttempts},
            {QStringLiteral("backoffMs"), backoffMs},
            {QStringLiteral("retryOnFailure"), retryOnFailure}};
}

QStringList TaskSpec::requiredCapabilities() const
{
    QStringList caps = requirements.capabilities;
    caps.prepend(kind == Kind::Command ? QStringLiteral("command") : QStringLiteral("model-benchmark"));
    return caps;
}

QJsonObject TaskSpec::toJson() const
{
    QJsonObject o;
    o.insert(QStringLiteral("id"), id);
    o.insert(QStringLiteral("name"), name);
    o.insert(QStringLiteral("classname"), classname);
    o.insert(QStringLiteral("kind"),
             kind == Kind::Command ? QStringLiteral("command") : QStringLiteral("model-benchmark"));
    if (kind == Kind::Command) {
        o.insert(QStringLiteral("argv"), toArray(argv));
        if (!env.isEmpty()) {
            o.insert(QStringLiteral("env"), toObject(env));
        }
        if (!workingDir.isEmpty()) {
            o.insert(QStringLiteral("workingDir"), workingDir);
        }
        if (!outputs.isEmpty()) {
            o.insert(QStringLiteral("outputs"), toArray(outputs));
        }
    } else {
        o.insert(QStringLiteral("model"), model);
        o.insert(QStringLiteral("hosts"), toArray(hosts));
        o.insert(QStringLiteral("backends"), toArray(backends));
        o.insert(QStringLiteral("iterations"), iterations);
    }
    o.insert(QStringLiteral("timeoutMs"), timeoutMs);
    o.insert(QStringLiteral("requires"), requirements.toJson());
    o.insert(QStringLiteral("priority"), priority);
    o.insert(QStringLiteral("retry"), retry.toJson());
    if (!properties.isEmpty()) {
        o.insert(QStringLiteral("properties"), toObject(properties));
    }
    return o;
}

bool TaskSpec::fromJson(const QJsonObject &o, TaskSpec *out, QString *error)
{
    TaskSpec t;
    if (!readString(o, "id", &t.id, error) || !readString(o, "name", &t.name, error) ||
        !readString(o, "classname", &t.classname, error)) {
        return false;
    }
    if (!idPattern().match(t.id).hasMatch()) {
        *error = QStringLiteral("task 'id' must be 1-128 characters of [A-Za-z0-9._:-]");
        return false;
    }
    if (t.name.isEmpty()) {
        t.name = t.id;
    }
    QString kind = QStringLiteral("command");
    if (!readString(o, "kind", &kind, error)) {
        return false;
    }
    if (kind == QLatin1String("command")) {
        t.kind = Kind::Command;
        if (!readStringList(o, "argv", &t.argv, kMaxArgs, error) || !readStringMap(o, "env", &t.env, error) ||
            !readString(o, "workingDir", &t.workingDir, error) ||
            !readStringList(o, "outputs", &t.outputs, kMaxOutputs, error)) {
            return false;
        }
        if (t.argv.isEmpty() || t.argv.first().isEmpty()) {
            *error = QStringLiteral("command task '%1' needs a non-empty 'argv'").arg(t.id);
            return false;
        }
        for (const QString &path : std::as_const(t.outputs)) {
            if (path.isEmpty() || path.startsWith(QLatin1Char('/')) ||
                path.split(QLatin1Char('/')).contains(QStringLiteral(".."))) {
                *error = QStringLiteral("output '%1' must be a relative path inside the working directory")
                             .arg(path);
                return false;
            }
        }
    } else if (kind == QLatin1String("model-benchmark")) {
        t.kind = Kind::ModelBenchmark;
        qint64 iterations = 1;
        if (!readString(o, "model", &t.model, error) || !readStringList(o, "hosts", &t.hosts, 64, error) ||
            !readStringList(o, "backends", &t.backends, 64, error) ||
            !readInt(o, "iterations", &iterations, 1, 1000000, error)) {
            return false;
        }
        if (t.model.isEmpty()) {
            *error = QStringLiteral("model-benchmark task '%1' needs a 'model'").arg(t.id);
            return false;
        }
        t.iterations = int(iterations);
    } else {
        *error = QStringLiteral("unknown task kind '%1' (command or model-benchmark)").arg(kind);
        return false;
    }
    if (!readInt(o, "timeoutMs", &t.timeoutMs, 1, kMaxTimeoutMs, error)) {
        return false;
    }
    qint64 priority = 0;
    if (!readInt(o, "priority", &priority, -1000000, 1000000, error)) {
        return false;
    }
    t.priority = int(priority);
    const QJsonValue req = o.value(QStringLiteral("requires"));
    if (!req.isUndefined() && !req.isNull()) {
        if (!req.isObject()) {
            *error = QStringLiteral("'requires' must be an object");
            return false;
        }
        const QJsonObject r = req.toObject();
        if (!readStringList(r, "labels", &t.requirements.labels, 64, error) ||
            !readStringList(r, "capabilities", &t.requirements.capabilities, 64, error) ||
            !readInt(r, "minMemoryMb", &t.requirements.minMemoryMb, 0, 1LL << 40, error) ||
            !readString(r, "os", &t.requirements.os, error)) {
            return false;
        }
    }
    const QJsonValue retry = o.value(QStringLiteral("retry"));
    if (!retry.isUndefined() && !retry.isNull()) {
        if (!retry.isObject()) {
            *error = QStringLiteral("'retry' must be an object");
            return false;
        }
        const QJsonObject r = retry.toObject();
        qint64 maxRetries = 0;
        qint64 maxInfra = t.retry.maxInfraAttempts;
        if (!readInt(r, "maxRetries", &maxRetries, 0, 100, error) ||
            !readInt(r, "maxInfraAttempts", &maxInfra, 1, 100, error) ||
            !readInt(r, "backoffMs", &t.retry.backoffMs, 0, 3600 * 1000, error)) {
            return false;
        }
        t.retry.maxRetries = int(maxRetries);
        t.retry.maxInfraAttempts = int(maxInfra);
        const QJsonValue onFailure = r.value(QStringLiteral("retryOnFailure"));
        if (!onFailure.isUndefined()) {
            if (!onFailure.isBool()) {
                *error = QStringLiteral("'retry.retryOnFailure' must be a boolean");
                return false;
            }
            t.retry.retryOnFailure = onFailure.toBool();
        }
    } else {
        qint64 retries = 0;
        if (!readInt(o, "retries", &retries, 0, 100, error)) {
            return false;
        }
        t.retry.maxRetries = int(retries);
    }
    if (!readStringMap(o, "properties", &t.properties, error)) {
        return false;
    }
    if (t.classname.isEmpty()) {
        t.classname = t.kind == Kind::Command ? QStringLiteral("command") : QStringLiteral("model");
    }
    *out = t;
    return true;
}

bool SuiteSpec::parse(const QByteArray &json, SuiteSpec *out, QString *error)
{
    if (json.size() > kMaxBytes) {
        *error = QStringLiteral("suite is %1 bytes (limit %2)").arg(json.size()).arg(kMaxBytes);
        return false;
    }
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &pe);
    if (pe.error != QJsonParseError::NoError || !doc.isObject()) {
        *error = pe.error != QJsonParseError::NoError
                     ? QStringLiteral("suite is not valid JSON: %1 at offset %2")
                           .arg(pe.errorString())
                           .arg(pe.offset)
                     : QStringLiteral("suite must be a JSON object");
        return false;
    }
    const QJsonObject root = doc.object();
    SuiteSpec s;
    if (!readString(root, "name", &s.name, error)) {
        return false;
    }
    if (s.name.isEmpty() || s.name.size() > 256) {
        *error = QStringLiteral("suite needs a 'name' (1-256 characters)");
        return false;
    }
    const QJsonValue defaultsValue = root.value(QStringLiteral("defaults"));
    if (!defaultsValue.isUndefined() && !defaultsValue.isObject()) {
        *error = QStringLiteral("'defaults' must be an object");
        return false;
    }
    const QJsonObject defaults = defaultsValue.toObject();
    const QJsonValue tasks = root.value(QStringLiteral("tasks"));
    if (!tasks.isArray() || tasks.toArray().isEmpty()) {
        *error = QStringLiteral("suite needs a non-empty 'tasks' array");
        return false;
    }
    const QJsonArray arr = tasks.toArray();
    if (arr.size() > kMaxTasks) {
        *error = QStringLiteral("suite has %1 tasks (limit %2)").arg(arr.size()).arg(kMaxTasks);
        return false;
    }
    QSet<QString> ids;
    for (qsizetype i = 0; i < arr.size(); ++i) {
        if (!arr[i].isObject()) {
            *error = QStringLiteral("tasks[%1] must be an object").arg(i);
            return false;
        }
        QJsonObject merged = defaults;
        const QJsonObject taskObject = arr[i].toObject();
        for (auto it = taskObject.begin(); it != taskObject.end(); ++it) {
            merged.insert(it.key(), it.value());
        }
        TaskSpec t;
        QString taskError;
        if (!TaskSpec::fromJson(merged, &t, &taskError)) {
            *error = QStringLiteral("tasks[%1]: %2").arg(i).arg(taskError);
            return false;
        }
        if (ids.contains(t.id)) {
            *error = QStringLiteral("tasks[%1]: duplicate task id '%2'").arg(i).arg(t.id);
            return false;
        }
        ids.insert(t.id);
        s.tasks.append(t);
    }
    *out = s;
    return true;
}

QJsonObject SuiteSpec::toJson() const
{
    QJsonArray arr;
    for (const TaskSpec &t : tasks) {
        arr.append(t.toJson());
    }
    return {{QStringLiteral("name"), name}, {QStringLiteral("tasks"), arr}};
}

} // namespace accel
