// core/ must stay usable without a display: no GUI includes, no GUI libraries in its link
// interface, and the headless executables (which link only core) must not load QtGui.
#include <QDirIterator>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

namespace {

const QRegularExpression &forbiddenInclude()
{
    // Built from pieces: a raw string with quotes here confuses moc's scanner.
    static const QString names = QStringLiteral(
        "QtGui|QtWidgets|QtCharts|QtWebEngine\\w*|QtQuick|QWidget|QApplication|QGuiApplication|"
        "QPainter|QColor|QImage|QPixmap|QIcon|QChart\\w*|QWebEngine\\w*");
    static const QRegularExpression re(QStringLiteral("^\\s*#\\s*include\\s*[<\"](") + names +
                                           QStringLiteral(")\\b"),
                                       QRegularExpression::MultilineOption);
    return re;
}

// Returns "file:line: include" for each forbidden include below `root`.
QStringList scan(const QString &root)
{
    QStringList hits;
    QDirIterator it(root, {QStringLiteral("*.h"), QStringLiteral("*.cpp"), QStringLiteral("*.hpp")},
                    QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly)) {
            hits << path + QStringLiteral(": unreadable");
            continue;
        }
        const QString text = QString::fromUtf8(file.readAll());
        auto matches = forbiddenInclude().globalMatch(text);
        while (matches.hasNext()) {
            const auto m = matches.next();
            const int line = int(text.left(m.capturedStart()).count(QLatin1Char('\n'))) + 1;
            hits << QStringLiteral("%1:%2: %3").arg(path).arg(line).arg(m.captured(1));
        }
    }
    return hits;
}

} // namespace

class tst_CoreLayering : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void scannerCatchesForbiddenIncludes()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QFile bad(dir.filePath(QStringLiteral("Bad.cpp")));
        QVERIFY(bad.open(QIODevice::WriteOnly));
        bad.write("#include <QString>\n  #include <QWidget>\n#include \"QtGui/QColor\"\n");
        bad.close();
        QFile good(dir.filePath(QStringLiteral("Good.h")));
        QVERIFY(good.open(QIODevice::WriteOnly));
        good.write("#include <QObject>\n#include <QWidgetLikeButNotGui.h>\n");
        good.close();
        const QStringList hits = scan(dir.path());
        QCOMPARE(hits.size(), 2);
        QVERIFY(hits.at(0).contains(QStringLiteral("Bad.cpp:2")) ||
                hits.at(1).contains(QStringLiteral("Bad.cpp:2")));
    }

    void coreSourcesIncludeNoGui()
    {
        const QString root = qEnvironmentVariable("ACCEL_SOURCE_DIR") + QStringLiteral("/core");
        QVERIFY2(QFile::exists(root), qPrintable(root));
        const QStringList hits = scan(root);
        QVERIFY2(hits.isEmpty(), qPrintable(hits.join(QLatin1Char('\n'))));
    }

    void coreLinkInterfaceHasNoGui()
    {
        QFile file(qEnvironmentVariable("ACCEL_CORE_LINKS"));
        QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(file.fileName()));
        const QString links = QString::fromUtf8(file.readAll());
        QVERIFY(links.contains(QStringLiteral("Qt6::Core")));
        for (const char *forbidden :
             {"Qt6::Gui", "Qt6::Widgets", "Qt6::Charts", "Qt6::WebEngine", "Qt6::Quick"}) {
            QVERIFY2(!links.contains(QLatin1String(forbidden)), forbidden);
        }
    }

    void headlessExecutablesDoNotLoadGui_data()
    {
        QTest::addColumn<QString>("binary");
        QTest::newRow("accelerate-node") << qEnvironmentVariable("ACCEL_NODE_BIN");
        QTest::newRow("accelctl") << qEnvironmentVariable("ACCEL_CTL_BIN");
    }

    void headlessExecutablesDoNotLoadGui()
    {
        QFETCH(QString, binary);
        QVERIFY2(QFile::exists(binary), qPrintable(binary));
        QProcess ldd;
        ldd.start(QStringLiteral("ldd"), {binary});
        QVERIFY(ldd.waitForFinished(30000));
        const QString out = QString::fromUtf8(ldd.readAllStandardOutput());
        QVERIFY2(out.contains(QStringLiteral("libQt6Core")), qPrintable(out));
        QVERIFY2(!out.contains(QStringLiteral("libQt6Gui")), qPrintable(out));
        QVERIFY2(!out.contains(QStringLiteral("libQt6Widgets")), qPrintable(out));
        QVERIFY2(!out.contains(QStringLiteral("libQt6WebEngine")), qPrintable(out));
    }
};

QTEST_GUILESS_MAIN(tst_CoreLayering)
#include "tst_CoreLayering.moc"
