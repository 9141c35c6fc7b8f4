#include "shell/AboutDialog.h"
#include "shell/LanguageSettings.h"
#include "shell/MainWindow.h"
#include "shell/PlaceholderPanel.h"

#include <QApplication>
#include <QDockWidget>
#include <QLabel>
#include <QMenuBar>
#include <QSettings>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>
#include <QTranslator>

using accel::ui::LanguageSettings;
using accel::ui::MainWindow;

class tst_MainWindow : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_settingsDir;

    static QStringList menuTitles(const MainWindow &w)
    {
        QStringList titles;
        for (QAction *a : w.menuBar()->actions()) {
            titles << a->text();
        }
        return titles;
    }

    static void removeOurTranslators()
    {
        for (QTranslator *t : qApp->findChildren<QTranslator *>()) {
            QCoreApplication::removeTranslator(t);
            delete t;
        }
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_settingsDir.isValid());
        QSettings::setDefaultFormat(QSettings::IniFormat);
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_settingsDir.path());
        QCoreApplication::setOrganizationName(QStringLiteral("AccelerateConsoleTest"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_MainWindow"));
    }

    void cleanup() { removeOurTranslators(); }

    void hasEveryPanelAsDock()
    {
        MainWindow w;
        const auto panels = MainWindow::allPanels();
        QCOMPARE(panels.size(), 7);
        for (MainWindow::Panel p : panels) {
            QDockWidget *dock = w.dock(p);
            QVERIFY(dock);
            QVERIFY(!dock->windowTitle().isEmpty());
            QVERIFY(qobject_cast<accel::ui::PlaceholderPanel *>(w.panel(p)));
            QVERIFY(!dock->objectName().isEmpty()); // needed for saveState()
        }
        QCOMPARE(menuTitles(w), (QStringList{QStringLiteral("&File"), QStringLiteral("&View"),
                                             QStringLiteral("&Settings"), QStringLiteral("&Help")}));
    }

    void setPanelReplacesPlaceholder()
    {
        MainWindow w;
        auto *label = new QLabel(QStringLiteral("real panel"));
        QPointer<QWidget> old = w.panel(MainWindow::Panel::History);
        w.setPanel(MainWindow::Panel::History, label);
        QCOMPARE(w.panel(MainWindow::Panel::History), label);
        QCOMPARE(label->parentWidget(), w.dock(MainWindow::Panel::History));
        QTRY_VERIFY(old.isNull()); // placeholder deleted, no leak
    }

    void layoutSurvivesRestart()
    {
        {
            MainWindow w;
            w.show();
            QVERIFY(QTest::qWaitForWindowExposed(&w));
            QVERIFY(w.dock(MainWindow::Panel::Cluster)->isVisible());
            w.dock(MainWindow::Panel::Cluster)->hide();
            w.resize(1000, 700);
            w.close();
        }
        {
            MainWindow w;
            w.show();
            QVERIFY(QTest::qWaitForWindowExposed(&w));
            QVERIFY(!w.dock(MainWindow::Panel::Cluster)->isVisible());
            QCOMPARE(w.size(), QSize(1000, 700));
            w.close();
        }
        QSettings().clear();
    }

    void englishPluralForms()
    {
        QVERIFY(LanguageSettings::install(qApp, QLocale(QLocale::English)));
        MainWindow w;
        w.setHostCount(1, 3);
        const QLabel *status = w.statusBar()->findChild<QLabel *>();
        QVERIFY(status);
        QCOMPARE(status->text(), QStringLiteral("1 host connected / 3 hosts in pool"));
        w.setHostCount(2, 1);
        QCOMPARE(status->text(), QStringLiteral("2 hosts connected / 1 host in pool"));
    }

    void germanTranslation()
    {
        QVERIFY(LanguageSettings::availableLanguages().contains(QStringLiteral("de")));
        QVERIFY(LanguageSettings::install(qApp, QLocale(QLocale::German)));
        MainWindow w;
        QCOMPARE(menuTitles(w), (QStringList{QStringLiteral("&Datei"), QStringLiteral("&Ansicht"),
                                             QStringLiteral("&Einstellungen"), QStringLiteral("&Hilfe")}));
        QCOMPARE(w.dock(MainWindow::Panel::Tests)->windowTitle(), QStringLiteral("Testläufe"));
        w.setHostCount(1, 2);
        QCOMPARE(w.statusBar()->findChild<QLabel *>()->text(),
                 QStringLiteral("1 Host verbunden / 2 Hosts im Pool"));
    }

    void unknownLanguageFallsBack()
    {
        QVERIFY(!LanguageSettings::install(qApp, QLocale(QLocale::Swahili)));
        MainWindow w;
        QCOMPARE(menuTitles(w).first(), QStringLiteral("&File"));
    }

    void languageSettingRoundTrips()
    {
        QCOMPARE(LanguageSettings::storedLanguage(), QStringLiteral("system"));
        LanguageSettings::setStoredLanguage(QStringLiteral("de"));
        QCOMPARE(LanguageSettings::storedLanguage(), QStringLiteral("de"));
        QCOMPARE(LanguageSettings::resolve(QStringLiteral("de")).language(), QLocale::German);
        QCOMPARE(LanguageSettings::resolve(QStringLiteral("system")), QLocale::system());
        QSettings().clear();
    }

    void aboutNamesQtAndChromium()
    {
        const QString report = accel::ui::AboutDialog::versionReport();
        QVERIFY2(report.contains(QStringLiteral("Qt ") + QString::fromLatin1(qVersion())),
                 qPrintable(report));
        QVERIFY2(report.contains(QRegularExpression(QStringLiteral("Chromium \\d+\\."))), qPrintable(report));
    }

    void screenshot()
    {
        MainWindow w;
        w.resize(1280, 800);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        const QImage image = w.grab().toImage();
        QVERIFY(!image.isNull());
        const QString path =
            qEnvironmentVariable("ACCEL_BUILD_DIR") + QStringLiteral("/screenshots/main-window.png");
        QDir().mkpath(QFileInfo(path).path());
        QVERIFY(image.save(path));
        w.close();
        QSettings().clear();
    }
};

QTEST_MAIN(tst_MainWindow)
#include "tst_MainWindow.moc"
