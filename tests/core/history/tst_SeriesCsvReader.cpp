#include "history/SeriesCsvReader.h"

#include <QTest>

using accel::SeriesCsvReader;

class tst_SeriesCsvReader : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void accepts_data()
    {
        QTest::addColumn<QByteArray>("csv");
        QTest::addColumn<QList<double>>("values");
        QTest::addColumn<QList<qint64>>("timestamps");
        QTest::newRow("values only") << QByteArray("1\n2.5\n-3e2\n") << QList<double>{1, 2.5, -300}
                                     << QList<qint64>{};
        QTest::newRow("header, epoch seconds")
            << QByteArray("timestamp,value\n1700000000,1\n1700000060,2\n") << QList<double>{1, 2}
            << QList<qint64>{1700000000000, 1700000060000};
        QTest::newRow("epoch milliseconds")
            << QByteArray("1700000000000,5\n1700000000500,6\n") << QList<double>{5, 6}
            << QList<qint64>{1700000000000, 1700000000500};
        QTest::newRow("fractional seconds")
            << QByteArray("1700000000.25,5\n") << QList<double>{5} << QList<qint64>{1700000000250};
        QTest::newRow("ISO 8601 Z and offset")
            << QByteArray("time,latency\n2023-11-14T22:13:20Z,1\n2023-11-14T23:13:20+01:00,2\n")
            << QList<double>{1, 2} << QList<qint64>{1700000000000, 1700000000000};
        QTest::newRow("ISO without zone is UTC, space separator")
            << QByteArray("2023-11-14 22:13:20,1\n2023-11-14T22:13:21.5,2\n") << QList<double>{1, 2}
            << QList<qint64>{1700000000000, 1700000001500};
        QTest::newRow("CRLF, BOM, comments, blank lines, quotes")
            << QByteArray("\xEF\xBB\xBF# exported\r\n\"value\"\r\n\r\n\"4\"\r\n 5 \r\n")
            << QList<double>{4, 5} << QList<qint64>{};
    }

    void accepts()
    {
        QFETCH(QByteArray, csv);
        QFETCH(QList<double>, values);
        QFETCH(QList<qint64>, timestamps);
        const auto r = SeriesCsvReader::parse(csv);
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(QList<double>(r.series.values.begin(), r.series.values.end()), values);
        QCOMPARE(QList<qint64>(r.series.timestampsMs.begin(), r.series.timestampsMs.end()), timestamps);
    }

    void rejects_data()
    {
        QTest::addColumn<QByteArray>("csv");
        QTest::addColumn<int>("line");
        QTest::addColumn<QString>("contains");
        QTest::newRow("garbage value") << QByteArray("1\n2\nabc\n") << 3 << QStringLiteral("not a number");
        QTest::newRow("nan") << QByteArray("1\nnan\n") << 2 << QStringLiteral("not finite");
        QTest::newRow("inf") << QByteArray("value\n1\n-inf\n") << 3 << QStringLiteral("not finite");
        QTest::newRow("bad timestamp")
            << QByteArray("1700000000,1\nyesterday,2\n") << 2 << QStringLiteral("timestamp");
        QTest::newRow("time goes backwards")
            << QByteArray("1700000060,1\n1700000000,2\n") << 2 << QStringLiteral("earlier");
        QTest::newRow("three fields") << QByteArray("1,2,3\n") << 1 << QStringLiteral("3 fields");
        QTest::newRow("mixed columns") << QByteArray("1700000000,1\n2\n") << 2 << QStringLiteral("field");
        QTest::newRow("damaged first row is not a header")
            << QByteArray("1.2.3\n4\n") << 1 << QStringLiteral("not a number");
        QTest::newRow("empty value") << QByteArray("1700000000,\n") << 1 << QStringLiteral("not a number");
        QTest::newRow("no data") << QByteArray("timestamp,value\n\n") << 0 << QStringLiteral("no data");
        QTest::newRow("empty input") << QByteArray() << 0 << QStringLiteral("no data");
        QTest::newRow("binary") << QByteArray("1\n2\x00\x01\n", 6) << 2 << QStringLiteral("");
        QTest::newRow("overlong line")
            << (QByteArray("1\n") + QByteArray(5000, '1') + "\n") << 2 << QStringLiteral("longer");
    }

    void rejects()
    {
        QFETCH(QByteArray, csv);
        QFETCH(int, line);
        QFETCH(QString, contains);
        const auto r = SeriesCsvReader::parse(csv);
        QVERIFY(!r.ok);
        QCOMPARE(r.errorLine, line);
        QVERIFY(r.series.values.empty());
        QVERIFY2(r.error.contains(contains), qPrintable(r.error));
        if (line > 0) {
            QVERIFY2(r.error.startsWith(QStringLiteral("line %1:").arg(line)), qPrintable(r.error));
        }
    }

    void missingFile()
    {
        const auto r = SeriesCsvReader::readFile(QStringLiteral("/nonexistent/series.csv"));
        QVERIFY(!r.ok);
        QVERIFY(r.error.contains(QStringLiteral("cannot open")));
    }
};

QTEST_GUILESS_MAIN(tst_SeriesCsvReader)
#include "tst_SeriesCsvReader.moc"
