#include "ci/JUnitWriter.h"

#include "ci/CaseNames.h"
#include "ci/TestRun.h"
#include "ci/XmlText.h"

#include <QBuffer>
#include <QIODevice>
#include <QLocale>
#include <QXmlStreamWriter>

namespace accel::ci {

namespace {

QString seconds(double s)
{
    return QString::number(s, 'f', 3);
}

QString junitTimestamp(const QDateTime &dt)
{
    // The JUnit schema's timestamp has no zone designator; we always write UTC.
    return dt.toUTC().toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss"));
}

QString metricText(const TestMetric &m)
{
    QString s = QString::number(m.value, 'g', QLocale::FloatingPointShortest);
    if (!m.unit.isEmpty()) {
        s += QLatin1Char(' ') + m.unit;
    }
    return s;
}

class Writer
{
public:
    explicit Writer(QIODevice *device)
        : m_xml(device)
    {
        m_xml.setAutoFormatting(true);
        m_xml.setAutoFormattingIndent(2);
    }

    void attribute(const QString &name, const QString &value)
    {
        m_xml.writeAttribute(name, XmlText::sanitized(value));
    }
    void property(const QString &name, const QString &value)
    {
        m_xml.writeStartElement(QStringLiteral("property"));
        attribute(QStringLiteral("name"), name);
        attribute(QStringLiteral("value"), value);
        m_xml.writeEndElement();
    }
    // Element text. A raw CR would reach readers as LF (XML end-of-line handling), so it is
    // written as a character reference.
    void text(const QString &value)
    {
        const QString clean = XmlText::sanitized(value);
        qsizetype from = 0;
        for (qsizetype cr = clean.indexOf(u'\r'); cr >= 0; cr = clean.indexOf(u'\r', from)) {
            m_xml.writeCharacters(clean.mid(from, cr - from));
            m_xml.writeEntityReference(QStringLiteral("#13"));
            from = cr + 1;
        }
        m_xml.writeCharacters(clean.mid(from));
    }
    QXmlStreamWriter &xml() { return m_xml; }

private:
    QXmlStreamWriter m_xml;
};

} // namespace

QString JUnitWriter::truncatedOutput(const QString &output, qsizetype maxChars)
{
    if (maxChars < 0 || output.size() <= maxChars) {
        return output;
    }
    qsizetype head = maxChars / 4;
    qsizetype tailStart = output.size() - (maxChars - head);
    // Never split a surrogate pair.
    if (head > 0 && output.at(head - 1).isHighSurrogate()) {
        --head;
    }
    if (tailStart < output.size() && output.at(tailStart).isLowSurrogate()) {
        ++tailStart;
    }
    const qsizetype omitted = tailStart - head;
    return output.left(head) + QStringLiteral("\n[... %1 characters of output omitted ...]\n").arg(omitted) +
           output.mid(tailStart);
}

QByteArray JUnitWriter::write(const TestRun &run) const
{
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    write(run, &buffer);
    return bytes;
}

bool JUnitWriter::write(const TestRun &run, QIODevice *device) const
{
    const TestTotals totals = run.totals();
    const QList<CaseName> names = uniqueCaseNames(run);
    const QString suiteName = displaySuiteName(run);
    const QString wallTime = seconds(run.wallTimeSec());

    Writer w(device);
    QXmlStreamWriter &xml = w.xml();
    xml.writeStartDocument();

    auto countAttributes = [&] {
        w.attribute(QStringLiteral("tests"), QString::number(totals.tests));
        w.attribute(QStringLiteral("failures"), QString::number(totals.failed));
        w.attribute(QStringLiteral("errors"), QString::number(totals.errors));
        w.attribute(QStringLiteral("skipped"), QString::number(totals.skipped));
        w.attribute(QStringLiteral("time"), wallTime);
        if (run.startedAt.isValid()) {
            w.attribute(QStringLiteral("timestamp"), junitTimestamp(run.startedAt));
        }
    };

    xml.writeStartElement(QStringLiteral("testsuites"));
    w.attribute(QStringLiteral("name"), suiteName);
    countAttributes();

    xml.writeStartElement(QStringLiteral("testsuite"));
    w.attribute(QStringLiteral("name"), suiteName);
    if (!run.id.isEmpty()) {
        w.attribute(QStringLiteral("id"), run.id);
    }
    countAttributes();

    // Suite-level properties: readers that ignore per-case properties (most of them) still see
    // which cases needed retries.
    bool suiteProps = !run.id.isEmpty() || totals.flaky > 0;
    for (const TestCase &c : run.cases) {
        suiteProps = suiteProps || c.attempts > 1;
    }
    if (suiteProps) {
        xml.writeStartElement(QStringLiteral("properties"));
        if (!run.id.isEmpty()) {
            w.property(QStringLiteral("suite.id"), run.id);
        }
        if (run.finishedAt.isValid()) {
            w.property(QStringLiteral("suite.finishedAt"), junitTimestamp(run.finishedAt));
        }
        w.property(QStringLiteral("flaky.count"), QString::number(totals.flaky));
        for (qsizetype i = 0; i < run.cases.size(); ++i) {
            const TestCase &c = run.cases.at(i);
            if (c.attempts > 1) {
                w.property(QStringLiteral("attempts:") + names.at(i).qualified(),
                           QString::number(c.attempts));
            }
            if (c.flaky) {
                w.property(QStringLiteral("flaky:") + names.at(i).qualified(), QStringLiteral("true"));
            }
        }
        xml.writeEndElement();
    }

    for (qsizetype i = 0; i < run.cases.size(); ++i) {
        const TestCase &c = run.cases.at(i);
        xml.writeStartElement(QStringLiteral("testcase"));
        w.attribute(QStringLiteral("classname"), names.at(i).classname);
        w.attribute(QStringLiteral("name"), names.at(i).name);
        w.attribute(QStringLiteral("time"), seconds(c.durationSec));
        // Several readers (GitLab, the GitHub JUnit annotation actions) link a case to its source
        // through these attributes.
        const QString file = c.properties.value(QStringLiteral("file"));
        if (!file.isEmpty()) {
            w.attribute(QStringLiteral("file"), file);
            bool ok = false;
            const int line = c.properties.value(QStringLiteral("line")).toInt(&ok);
            if (ok && line > 0) {
                w.attribute(QStringLiteral("line"), QString::number(line));
            }
        }

        if (m_options.caseProperties) {
            xml.writeStartElement(QStringLiteral("properties"));
            w.property(QStringLiteral("attempts"), QString::number(c.attempts));
            w.property(QStringLiteral("flaky"), c.flaky ? QStringLiteral("true") : QStringLiteral("false"));
            if (!c.id.isEmpty()) {
                w.property(QStringLiteral("id"), c.id);
            }
            if (!c.worker.isEmpty()) {
                w.property(QStringLiteral("worker"), c.worker);
            }
            for (auto it = c.properties.cbegin(); it != c.properties.cend(); ++it) {
                w.property(it.key(), it.value());
            }
            for (const TestMetric &m : c.metrics) {
                w.property(QStringLiteral("metric.") + m.name, metricText(m));
            }
            xml.writeEndElement();
        }

        switch (c.status) {
        case TestStatus::Passed:
            break;
        case TestStatus::Failed:
        case TestStatus::Error: {
            const bool failed = c.status == TestStatus::Failed;
            xml.writeStartElement(failed ? QStringLiteral("failure") : QStringLiteral("error"));
            if (!c.message.isEmpty()) {
                w.attribute(QStringLiteral("message"), c.message);
            }
            const QString type = c.properties.value(QStringLiteral("type"));
            w.attribute(QStringLiteral("type"), !type.isEmpty() ? type : testStatusName(c.status));
            if (!c.message.isEmpty()) {
                w.text(c.message);
            }
            xml.writeEndElement();
            break;
        }
        case TestStatus::Skipped:
            xml.writeStartElement(QStringLiteral("skipped"));
            if (!c.message.isEmpty()) {
                w.attribute(QStringLiteral("message"), c.message);
            }
            xml.writeEndElement();
            break;
        }

        if (m_options.includeOutput && !c.output.isEmpty()) {
            xml.writeStartElement(QStringLiteral("system-out"));
            // CDATA keeps logs readable in the raw file; writeCDATA splits "]]>" across two
            // sections itself, the forbidden characters are ours. CDATA cannot carry a CR (readers
            // turn it into LF), so output with CRs is written as escaped text instead.
            const QString out = XmlText::sanitized(truncatedOutput(c.output, m_options.maxOutputChars));
            if (out.contains(u'\r')) {
                w.text(out);
            } else {
                xml.writeCDATA(out);
            }
            xml.writeEndElement();
        }
        xml.writeEndElement(); // testcase
    }

    xml.writeEndElement(); // testsuite
    xml.writeEndElement(); // testsuites
    xml.writeEndDocument();
    return !xml.hasError();
}

} // namespace accel::ci
