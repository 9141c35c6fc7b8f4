#include "shell/LanguageSettings.h"

#include <QCoreApplication>
#include <QDir>
#include <QLibraryInfo>
#include <QSettings>
#include <QTranslator>

namespace accel::ui {

QString LanguageSettings::storedLanguage()
{
    return QSettings().value(QStringLiteral("ui/language"), QStringLiteral("system")).toString();
}

void LanguageSettings::setStoredLanguage(const QString &code)
{
    QSettings().setValue(QStringLiteral("ui/language"), code);
}

QStringList LanguageSettings::availableLanguages()
{
    QStringList codes{QStringLiteral("en")};
    const QStringList files = QDir(QStringLiteral(":/i18n")).entryList({QStringLiteral("accelerate_*.qm")});
    for (const QString &file : files) {
        const QString code = file.mid(11, file.size() - 11 - 3);
        if (code != QLatin1String("en") && !codes.contains(code)) {
            codes << code;
        }
    }
    return codes;
}

QLocale LanguageSettings::resolve(const QString &code)
{
    if (code.isEmpty() || code == QLatin1String("system")) {
        return QLocale::system();
    }
    return QLocale(code);
}

bool LanguageSettings::install(QCoreApplication *app, const QLocale &locale)
{
    // Owned by the application object: translators must outlive every tr() call.
    auto *qtTranslator = new QTranslator(app);
    if (qtTranslator->load(locale, QStringLiteral("qtbase"), QStringLiteral("_"),
                           QLibraryInfo::path(QLibraryInfo::TranslationsPath))) {
        QCoreApplication::installTranslator(qtTranslator);
    } else {
        delete qtTranslator;
    }
    if (locale.language() == QLocale::English || locale.language() == QLocale::C) {
        auto *english = new QTranslator(app);
        if (english->load(QStringLiteral(":/i18n/accelerate_en.qm"))) {
            QCoreApplication::installTranslator(english); // plural forms
        } else {
            delete english;
        }
        return true;
    }
    auto *ours = new QTranslator(app);
    if (ours->load(locale, QStringLiteral("accelerate"), QStringLiteral("_"), QStringLiteral(":/i18n"))) {
        QCoreApplication::installTranslator(ours);
        return true;
    }
    delete ours;
    return false;
}

} // namespace accel::ui
