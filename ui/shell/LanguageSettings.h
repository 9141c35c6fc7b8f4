#pragma once

#include <QLocale>
#include <QString>
#include <QStringList>

class QCoreApplication;
class QTranslator;

namespace accel::ui {

/// The console's language: "system" (follow the system locale) or a language code with a
/// shipped translation ("en", "de"). Stored in QSettings under "ui/language".
class LanguageSettings
{
public:
    static QString storedLanguage();
    static void setStoredLanguage(const QString &code);
    /// Language codes that have a translation compiled in, "en" first.
    static QStringList availableLanguages();
    /// The locale that `code` ("system" or a language code) resolves to.
    static QLocale resolve(const QString &code);
    /// Loads the translations for `locale` into `app` (Qt's own and ours). Returns true if our
    /// catalogue for that language was found; English needs none and also returns true.
    static bool install(QCoreApplication *app, const QLocale &locale);
};

} // namespace accel::ui
