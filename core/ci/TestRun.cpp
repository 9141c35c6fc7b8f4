#include "ci/TestRun.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QSet>
#include <QTimeZone>

#include <cmath>

namespace accel::ci {

QString testStatusName(TestStatus status)
{
    switch (status) {
    case TestStatus::Passed:
        return QStringLiteral("passed");
    case TestStatus::Failed:
        return QStringLiteral("failed");
    case TestStatus::Error:
        return QStringLiteral("error");
    case TestStatus::Skipped:
        return QStringLiteral("skipped");
    }
    return QStringLiteral("error");
}

std::optional<TestStatus> testStatusFromName(const QString &name)
{
    for (TestStatus s : {TestStatus::Passed, TestStatus::Failed, TestStatus::Error, TestStatus::Skipped}) {
        if (name == testStatusName(s)) {
            return s;
        }
    }
    return std::nullopt;
}

namespace {

QString jsonTypeName(const QJsonValue &v)
{
    switch (v.type()) {
    case QJsonValue::Null:
        return QStringLiteral("null");
    case QJsonValue::Bool:
        return QStringLiteral("a boolean");
    case QJsonValue::Double:
        return QStringLiteral("a number");
    case QJsonValue::String:
        return QStringLiteral("a string");
    case QJsonValue::Array:
        return QStringLiteral("an array");
    case QJsonValue::Object:
        return QStringLiteral("an object");
    case QJsonValue::Undefined:
        break;
    }
    return QStringLiteral("undefined");
}

QString keyPath(const QString &parent, const QString &key)
{
    // Plain identifiers read as `.key`; anything else is quoted so the path stays unambiguous.
    bool plain = !key.isEmpty();
    for (QChar c : key) {
        if (!(c.isLetterOrNumber() || c == u'_') || c.unicode() > 0x7f) {
            plain = false;
            break;
        }
    }
    if (plain) {
        return parent + u'.' + key;
    }
    QString quoted = key;
    quoted.replace(u'\\', QStringLiteral("\\\\")).replace(u'"', QStringLiteral("\\\""));
    if (quoted.size() > 64) {
        quoted = quoted.left(64) + QStringLiteral("...");
    }
    return parent + QStringLiteral("[\"") + quoted + QStringLiteral("\"]");
}

/// Collects the first validation error; every reader returns false once one is recorded.
class Reader
{
public:
    explicit Reader(const TestRunLimits &limits)
        : m_limits(limits)
    {}

    bool fail(TestRunError::Code code, const QString &path, const QString &message)
    {
        if (!m_error) {
            m_error = TestRunError{code, path, message};
        }
        return false;
    }
    const std::optional<TestRunError> &error() const { return m_error; }
    const TestRunLimits &limits() const { return m_limits; }

    // Optional string: absent or null keeps the default.
    bool string(const QJsonObject &o, const QString &parent, const QString &key, qsizetype maxChars,
                QString *out, bool required = false)
    {
        const QJsonValue v = o.value(key);
        const QString path = keyPath(parent, key);
        if (v.isUndefined() || v.isNull()) {
            return required ? fail(TestRunError::Code::MissingField, path,
                                   QStringLiteral("required field is missing"))
                            : true;
        }
        if (!v.isString()) {
            return fail(TestRunError::Code::WrongType, path,
                        QStringLiteral("expected a string, got %1").arg(jsonTypeName(v)));
        }
        const QString s = v.toString();
        if (s.size() > maxChars) {
            return fail(TestRunError::Code::TooLarge, path,
                        QStringLiteral("string of %1 characters exceeds the limit of %2")
                            .arg(s.size())
                            .arg(maxChars));
        }
        *out = s;
        return true;
    }

    bool number(const QJsonObject &o, const QString &parent, const QString &key, double *out, bool required)
    {
        const QJsonValue v = o.value(key);
        const QString path = keyPath(parent, key);
        if (v.isUndefined() || v.isNull()) {
            return required ? fail(TestRunError::Code::MissingField, path,
                                   QStringLiteral("required field is missing"))
                            : true;
        }
        if (!v.isDouble()) {
            return fail(TestRunError::Code::WrongType, path,
                        QStringLiteral("expected a number, got %1").arg(jsonTypeName(v)));
        }
        const double d = v.toDouble();
        if (!std::isfinite(d)) {
            return fail(TestRunError::Code::BadValue, path, QStringLiteral("number is not finite"));
        }
        *out = d;
        return true;
    }

    bool dateTime(const QJsonObject &o, const QString &key, QDateTime *out)
    {
        QString s;
        if (!string(o, QStringLiteral("$"), key, 64, &s)) {
            return false;
        }
        if (s.isEmpty()) {
            return true;
        }
        QDateTime dt = QDateTime::fromString(s, Qt::ISODateWithMs);
        if (!dt.isValid()) {
            return fail(TestRunError::Code::BadValue, keyPath(QStringLiteral("$"), key),
                        QStringLiteral("'%1' is not an ISO 8601 date-time").arg(s));
        }
        if (dt.timeSpec() == Qt::LocalTime) {
            // No offset given: the format says UTC.
#if QT_VERSION >= QT_VERSION_CHECK(6, 5, 0)
            dt = QDateTime(dt.date(), dt.time(), QTimeZone::UTC);
#else
            dt = QDateTime(dt.date(), dt.time(), Qt::UTC);
#endif
        }
        *out = dt.toUTC();
        return true;
    }

private:
    TestRunLimits m_limits;
    std::optional<TestRunError> m_error;
};

bool readMetric(Reader &r, const QJsonValue &v, const QString &path, TestMetric *m)
{
    if (!v.isObject()) {
        return r.fail(TestRunError::Code::WrongType, path,
                      QStringLiteral("expected an object, got %1").arg(jsonTypeName(v)));
    }
    const QJsonObject o = v.toObject();
    QString better;
    if (!r.number(o, path, QStringLiteral("value"), &m->value, true) ||
        !r.string(o, path, QStringLiteral("unit"), r.limits().maxNameChars, &m->unit) ||
        !r.string(o, path, QStringLiteral("better"), 16, &better)) {
        return false;
    }
    if (better.isEmpty()) {
        m->better = MetricDirection::Unspecified;
    } else if (better == QLatin1String("higher")) {
        m->better = MetricDirection::Higher;
    } else if (better == QLatin1String("lower")) {
        m->better = MetricDirection::Lower;
    } else {
        return r.fail(TestRunError::Code::BadValue, keyPath(path, QStringLiteral("better")),
                      QStringLiteral("expected \"higher\" or \"lower\", got \"%1\"").arg(better));
    }
    return true;
}

bool readCase(Reader &r, const QJsonValue &v, const QString &path, TestCase *c)
{
    if (!v.isObject()) {
        return r.fail(TestRunError::Code::WrongType, path,
                      QStringLiteral("expected an object, got %1").arg(jsonTypeName(v)));
    }
    const QJsonObject o = v.toObject();
    const TestRunLimits &lim = r.limits();
    QString status;
    if (!r.string(o, path, QStringLiteral("id"), lim.maxNameChars, &c->id) ||
        !r.string(o, path, QStringLiteral("classname"), lim.maxNameChars, &c->classname) ||
        !r.string(o, path, QStringLiteral("name"), lim.maxNameChars, &c->name, true) ||
        !r.string(o, path, QStringLiteral("status"), 16, &status, true) ||
        !r.number(o, path, QStringLiteral("durationSec"), &c->durationSec, false) ||
        !r.string(o, path, QStringLiteral("message"), lim.maxMessageChars, &c->message) ||
        !r.string(o, path, QStringLiteral("output"), lim.maxOutputChars, &c->output) ||
        !r.string(o, path, QStringLiteral("worker"), lim.maxNameChars, &c->worker)) {
        return false;
    }
    if (c->name.isEmpty()) {
        return r.fail(TestRunError::Code::BadValue, keyPath(path, QStringLiteral("name")),
                      QStringLiteral("must not be empty"));
    }
    const auto parsedStatus = testStatusFromName(status);
    if (!parsedStatus) {
        return r.fail(
            TestRunError::Code::BadValue, keyPath(path, QStringLiteral("status")),
            QStringLiteral("expected passed, failed, error or skipped, got \"%1\"").arg(status.left(16)));
    }
    c->status = *parsedStatus;
    if (c->durationSec < 0) {
        return r.fail(TestRunError::Code::BadValue, keyPath(path, QStringLiteral("durationSec")),
                      QStringLiteral("must not be negative"));
    }
    double attempts = 1;
    if (!r.number(o, path, QStringLiteral("attempts"), &attempts, false)) {
        return false;
    }
    if (attempts != std::floor(attempts) || attempts < 1 || attempts > lim.maxAttempts) {
        return r.fail(TestRunError::Code::BadValue, keyPath(path, QStringLiteral("attempts")),
                      QStringLiteral("expected an integer from 1 to %1").arg(lim.maxAttempts));
    }
    c->attempts = int(attempts);
    const QJsonValue flaky = o.value(QStringLiteral("flaky"));
    if (!flaky.isUndefined() && !flaky.isNull()) {
        if (!flaky.isBool()) {
            return r.fail(TestRunError::Code::WrongType, keyPath(path, QStringLiteral("flaky")),
                          QStringLiteral("expected a boolean, got %1").arg(jsonTypeName(flaky)));
        }
        c->flaky = flaky.toBool();
    }

    const QString propsPath = keyPath(path, QStringLiteral("properties"));
    const QJsonValue props = o.value(QStringLiteral("properties"));
    if (!props.isUndefined() && !props.isNull()) {
        if (!props.isObject()) {
            return r.fail(TestRunError::Code::WrongType, propsPath,
                          QStringLiteral("expected an object, got %1").arg(jsonTypeName(props)));
        }
        const QJsonObject po = props.toObject();
        if (po.size() > lim.maxPropertiesPerCase) {
            return r.fail(TestRunError::Code::TooLarge, propsPath,
                          QStringLiteral("%1 properties exceed the limit of %2")
                              .arg(po.size())
                              .arg(lim.maxPropertiesPerCase));
        }
        for (auto it = po.begin(); it != po.end(); ++it) {
            if (it.key().isEmpty() || it.key().size() > lim.maxNameChars) {
                return r.fail(
                    TestRunError::Code::BadValue, keyPath(propsPath, it.key().left(64)),
                    QStringLiteral("property names must be 1 to %1 characters").arg(lim.maxNameChars));
            }
            QString value;
            if (!r.string(po, propsPath, it.key(), lim.maxMessageChars, &value, true)) {
                return false;
            }
            c->properties.insert(it.key(), value);
        }
    }

    const QString metricsPath = keyPath(path, QStringLiteral("metrics"));
    const QJsonValue metrics = o.value(QStringLiteral("metrics"));
    if (!metrics.isUndefined() && !metrics.isNull()) {
        if (!metrics.isObject()) {
            return r.fail(TestRunError::Code::WrongType, metricsPath,
                          QStringLiteral("expected an object, got %1").arg(jsonTypeName(metrics)));
        }
        const QJsonObject mo = metrics.toObject();
        if (mo.size() > lim.maxMetricsPerCase) {
            return r.fail(TestRunError::Code::TooLarge, metricsPath,
                          QStringLiteral("%1 metrics exceed the limit of %2")
                              .arg(mo.size())
                              .arg(lim.maxMetricsPerCase));
        }
        for (auto it = mo.begin(); it != mo.end(); ++it) {
            const QString metricPath = keyPath(metricsPath, it.key().left(64));
            if (it.key().isEmpty() || it.key().size() > lim.maxNameChars) {
                return r.fail(
                    TestRunError::Code::BadValue, metricPath,
                    QStringLiteral("metric names must be 1 to %1 characters").arg(lim.maxNameChars));
            }
            TestMetric m;
            m.name = it.key();
            if (!readMetric(r, it.value(), metricPath, &m)) {
                return false;
            }
            c->metrics.append(m);
        }
    }
    return true;
}

} // namespace

std::optional<TestRun> TestRun::fromJson(const QByteArray &json, TestRunError *error,
                                         const TestRunLimits &limits)
{
    if (json.size() > limits.maxDocumentBytes) {
        if (error) {
            *error = {TestRunError::Code::TooLarge, QString(),
                      QStringLiteral("document of %1 bytes exceeds the limit of %2 bytes")
                          .arg(json.size())
                          .arg(limits.maxDocumentBytes)};
        }
        return std::nullopt;
    }
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        if (error) {
            *error = {TestRunError::Code::BadJson, QString(),
                      QStringLiteral("invalid JSON at offset %1: %2")
                          .arg(parseError.offset)
                          .arg(parseError.errorString())};
        }
        return std::nullopt;
    }
    if (!doc.isObject()) {
        if (error) {
            *error = {TestRunError::Code::WrongType, QStringLiteral("$"),
                      QStringLiteral("expected an object at the top level")};
        }
        return std::nullopt;
    }
    return fromJsonObject(doc.object(), error, limits);
}

std::optional<TestRun> TestRun::fromJsonObject(const QJsonObject &o, TestRunError *error,
                                               const TestRunLimits &limits)
{
    Reader r(limits);
    TestRun run;
    const QString root = QStringLiteral("$");
    auto failed = [&]() -> std::optional<TestRun> {
        if (error) {
            *error = *r.error();
        }
        return std::nullopt;
    };

    double version = 0;
    if (!r.number(o, root, QStringLiteral("version"), &version, true)) {
        return failed();
    }
    if (version != std::floor(version) || version < 1) {
        r.fail(TestRunError::Code::BadValue, QStringLiteral("$.version"),
               QStringLiteral("expected a positive integer"));
        return failed();
    }
    if (version > kFormatVersion) {
        r.fail(TestRunError::Code::UnsupportedVersion, QStringLiteral("$.version"),
               QStringLiteral("format version %1 is newer than the supported version %2")
                   .arg(version)
                   .arg(kFormatVersion));
        return failed();
    }
    run.version = int(version);
    if (!r.string(o, root, QStringLiteral("suite"), limits.maxNameChars, &run.suite) ||
        !r.string(o, root, QStringLiteral("id"), limits.maxNameChars, &run.id) ||
        !r.dateTime(o, QStringLiteral("startedAt"), &run.startedAt) ||
        !r.dateTime(o, QStringLiteral("finishedAt"), &run.finishedAt)) {
        return failed();
    }
    const QJsonValue cases = o.value(QStringLiteral("cases"));
    if (cases.isUndefined()) {
        r.fail(TestRunError::Code::MissingField, QStringLiteral("$.cases"),
               QStringLiteral("required field is missing"));
        return failed();
    }
    if (!cases.isArray()) {
        r.fail(TestRunError::Code::WrongType, QStringLiteral("$.cases"),
               QStringLiteral("expected an array, got %1").arg(jsonTypeName(cases)));
        return failed();
    }
    const QJsonArray array = cases.toArray();
    if (array.size() > limits.maxCases) {
        r.fail(TestRunError::Code::TooLarge, QStringLiteral("$.cases"),
               QStringLiteral("%1 cases exceed the limit of %2").arg(array.size()).arg(limits.maxCases));
        return failed();
    }
    run.cases.reserve(array.size());
    QSet<QString> ids;
    for (qsizetype i = 0; i < array.size(); ++i) {
        const QString path = QStringLiteral("$.cases[%1]").arg(i);
        TestCase c;
        if (!readCase(r, array.at(i), path, &c)) {
            return failed();
        }
        if (!c.id.isEmpty()) {
            if (ids.contains(c.id)) {
                r.fail(TestRunError::Code::Duplicate, path + QStringLiteral(".id"),
                       QStringLiteral("case id \"%1\" occurs more than once").arg(c.id.left(64)));
                return failed();
            }
            ids.insert(c.id);
        }
        run.cases.append(std::move(c));
    }
    return run;
}

namespace {
QString isoUtc(const QDateTime &dt)
{
    return dt.time().msec() == 0 ? dt.toUTC().toString(Qt::ISODate) : dt.toUTC().toString(Qt::ISODateWithMs);
}
} // namespace

QJsonObject TestRun::toJsonObject() const
{
    QJsonObject o;
    o.insert(QStringLiteral("version"), version);
    o.insert(QStringLiteral("suite"), suite);
    if (!id.isEmpty()) {
        o.insert(QStringLiteral("id"), id);
    }
    if (startedAt.isValid()) {
        o.insert(QStringLiteral("startedAt"), isoUtc(startedAt));
    }
    if (finishedAt.isValid()) {
        o.insert(QStringLiteral("finishedAt"), isoUtc(finishedAt));
    }
    QJsonArray array;
    for (const TestCase &c : cases) {
        QJsonObject co;
        if (!c.id.isEmpty()) {
            co.insert(QStringLiteral("id"), c.id);
        }
        co.insert(QStringLiteral("classname"), c.classname);
        co.insert(QStringLiteral("name"), c.name);
        co.insert(QStringLiteral("status"), testStatusName(c.status));
        co.insert(QStringLiteral("durationSec"), c.durationSec);
        co.insert(QStringLiteral("attempts"), c.attempts);
        co.insert(QStringLiteral("flaky"), c.flaky);
        co.insert(QStringLiteral("message"), c.message);
        co.insert(QStringLiteral("output"), c.output);
        co.insert(QStringLiteral("worker"), c.worker);
        QJsonObject props;
        for (auto it = c.properties.cbegin(); it != c.properties.cend(); ++it) {
            props.insert(it.key(), it.value());
        }
        co.insert(QStringLiteral("properties"), props);
        QJsonObject metrics;
        for (const TestMetric &m : c.metrics) {
            QJsonObject mo;
            mo.insert(QStringLiteral("value"), m.value);
            if (!m.unit.isEmpty()) {
                mo.insert(QStringLiteral("unit"), m.unit);
            }
            if (m.better == MetricDirection::Higher) {
                mo.insert(QStringLiteral("better"), QStringLiteral("higher"));
            } else if (m.better == MetricDirection::Lower) {
                mo.insert(QStringLiteral("better"), QStringLiteral("lower"));
            }
            metrics.insert(m.name, mo);
        }
        co.insert(QStringLiteral("metrics"), metrics);
        array.append(co);
    }
    o.insert(QStringLiteral("cases"), array);
    return o;
}

QByteArray TestRun::toJson() const
{
    return QJsonDocument(toJsonObject()).toJson(QJsonDocument::Indented);
}

TestTotals TestRun::totals() const
{
    TestTotals t;
    t.tests = int(cases.size());
    for (const TestCase &c : cases) {
        switch (c.status) {
        case TestStatus::Passed:
            ++t.passed;
            break;
        case TestStatus::Failed:
            ++t.failed;
            break;
        case TestStatus::Error:
            ++t.errors;
            break;
        case TestStatus::Skipped:
            ++t.skipped;
            break;
        }
        if (c.flaky) {
            ++t.flaky;
        }
        t.durationSumSec += c.durationSec;
    }
    return t;
}

double TestRun::wallTimeSec() const
{
    if (startedAt.isValid() && finishedAt.isValid() && startedAt <= finishedAt) {
        return double(startedAt.msecsTo(finishedAt)) / 1000.0;
    }
    return totals().durationSumSec;
}

} // namespace accel::ci
