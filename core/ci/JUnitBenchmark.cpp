#include "ci/JUnitBenchmark.h"

#include "ci/JUnitWriter.h"
#include "ci/TestRun.h"
#include "common/Clock.h"

#include <QXmlStreamWriter>

#include <algorithm>
#include <limits>

namespace accel::ci {

TestRun JUnitBenchmark::workload(int cases)
{
    TestRun run;
    run.suite = QStringLiteral("bench-suite");
    run.id = QStringLiteral("s-bench");
    run.startedAt = QDateTime::fromString(QStringLiteral("2026-11-26T17:00:00Z"), Qt::ISODate);
    run.finishedAt = run.startedAt.addSecs(300);
    run.cases.reserve(cases);
    const QString outputLine = QStringLiteral("step ok: matmul tile 16x16 <fp32> & checksum matched\n");
    for (int i = 0; i < cases; ++i) {
        TestCase c;
        c.id = QStringLiteral("t-%1").arg(i);
        c.classname = QStringLiteral("bench.group%1").arg(i % 50);
        c.name = QStringLiteral("case_%1").arg(i);
        c.durationSec = 0.001 * (i % 997);
        c.worker = QStringLiteral("w-%1").arg(i % 8);
        c.properties.insert(QStringLiteral("browser"),
                            i % 2 ? QStringLiteral("chromium") : QStringLiteral("firefox"));
        c.properties.insert(QStringLiteral("backend"), QStringLiteral("wasm"));
        c.metrics.append({QStringLiteral("gflops"), 0.5 + (i % 7) * 0.1, QStringLiteral("GFLOP/s"),
                          MetricDirection::Higher});
        const int bucket = i % 100;
        if (bucket < 5) {
            c.status = TestStatus::Failed;
            c.message = QStringLiteral("expected 1.0 but got 0.98 at index %1").arg(i);
            c.output = outputLine.repeated(64);
        } else if (bucket < 8) {
            c.status = TestStatus::Skipped;
            c.message = QStringLiteral("no WebGPU adapter");
        } else if (bucket < 10) {
            c.status = TestStatus::Error;
            c.message = QStringLiteral("worker lost");
            c.output = outputLine.repeated(16);
        }
        if (i % 10 == 9 && c.status == TestStatus::Passed) {
            c.attempts = 2;
            c.flaky = true;
        }
        run.cases.append(std::move(c));
    }
    return run;
}

QByteArray JUnitBenchmark::writePlain(const TestRun &run)
{
    QByteArray bytes;
    QXmlStreamWriter xml(&bytes);
    xml.setAutoFormatting(true);
    xml.setAutoFormattingIndent(2);
    const TestTotals t = run.totals();
    const QString wall = QString::number(run.wallTimeSec(), 'f', 3);
    const QString timestamp = run.startedAt.toUTC().toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss"));
    xml.writeStartDocument();
    for (const char *element : {"testsuites", "testsuite"}) {
        xml.writeStartElement(QLatin1String(element));
        xml.writeAttribute(QStringLiteral("name"), run.suite);
        xml.writeAttribute(QStringLiteral("tests"), QString::number(t.tests));
        xml.writeAttribute(QStringLiteral("failures"), QString::number(t.failed));
        xml.writeAttribute(QStringLiteral("errors"), QString::number(t.errors));
        xml.writeAttribute(QStringLiteral("skipped"), QString::number(t.skipped));
        xml.writeAttribute(QStringLiteral("time"), wall);
        xml.writeAttribute(QStringLiteral("timestamp"), timestamp);
    }
    for (const TestCase &c : run.cases) {
        xml.writeStartElement(QStringLiteral("testcase"));
        xml.writeAttribute(QStringLiteral("classname"), c.classname);
        xml.writeAttribute(QStringLiteral("name"), c.name);
        xml.writeAttribute(QStringLiteral("time"), QString::number(c.durationSec, 'f', 3));
        xml.writeStartElement(QStringLiteral("properties"));
        auto property = [&](const QString &name, const QString &value) {
            xml.writeStartElement(QStringLiteral("property"));
            xml.writeAttribute(QStringLiteral("name"), name);
            xml.writeAttribute(QStringLiteral("value"), value);
            xml.writeEndElement();
        };
        property(QStringLiteral("attempts"), QString::number(c.attempts));
        property(QStringLiteral("flaky"), c.flaky ? QStringLiteral("true") : QStringLiteral("false"));
        property(QStringLiteral("id"), c.id);
        property(QStringLiteral("worker"), c.worker);
        for (auto it = c.properties.cbegin(); it != c.properties.cend(); ++it) {
            property(it.key(), it.value());
        }
        for (const TestMetric &m : c.metrics) {
            property(QStringLiteral("metric.") + m.name,
                     QString::number(m.value) + QLatin1Char(' ') + m.unit);
        }
        xml.writeEndElement();
        if (c.status == TestStatus::Failed || c.status == TestStatus::Error) {
            xml.writeStartElement(c.status == TestStatus::Failed ? QStringLiteral("failure")
                                                                 : QStringLiteral("error"));
            xml.writeAttribute(QStringLiteral("message"), c.message);
            xml.writeAttribute(QStringLiteral("type"), testStatusName(c.status));
            xml.writeCharacters(c.message);
            xml.writeEndElement();
        } else if (c.status == TestStatus::Skipped) {
            xml.writeStartElement(QStringLiteral("skipped"));
            xml.writeAttribute(QStringLiteral("message"), c.message);
            xml.writeEndElement();
        }
        if (!c.output.isEmpty()) {
            xml.writeStartElement(QStringLiteral("system-out"));
            xml.writeCDATA(c.output);
            xml.writeEndElement();
        }
        xml.writeEndElement();
    }
    xml.writeEndDocument();
    return bytes;
}

JUnitBenchmark::Result JUnitBenchmark::run(int cases, int rounds, const Clock *clock)
{
    const TestRun suite = workload(cases);
    Result r;
    r.cases = cases;
    r.rounds = rounds;
    qint64 bestWriterNs = std::numeric_limits<qint64>::max();
    qint64 bestPlainNs = std::numeric_limits<qint64>::max();
    const JUnitWriter writer;
    for (int i = 0; i < rounds; ++i) {
        qint64 t0 = clock->nowNs();
        const QByteArray a = writer.write(suite);
        bestWriterNs = std::min(bestWriterNs, clock->nowNs() - t0);
        t0 = clock->nowNs();
        const QByteArray b = writePlain(suite);
        bestPlainNs = std::min(bestPlainNs, clock->nowNs() - t0);
        r.writerBytes = a.size();
        r.plainBytes = b.size();
    }
    auto rate = [cases](qint64 ns) {
        return ns > 0 ? cases / (double(ns) / 1e9) : 0.0;
    };
    r.writerCasesPerSec = rate(bestWriterNs);
    r.plainCasesPerSec = rate(bestPlainNs);
    return r;
}

} // namespace accel::ci
