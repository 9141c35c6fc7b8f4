#include "ci/MarkdownText.h"

namespace accel::ci {

QString markdownCell(const QString &text, qsizetype maxChars)
{
    QString in = text;
    bool cut = false;
    if (maxChars >= 0 && in.size() > maxChars) {
        qsizetype n = maxChars;
        if (n > 0 && in.at(n - 1).isHighSurrogate()) {
            --n;
        }
        in.truncate(n);
        cut = true;
    }
    QString out;
    out.reserve(in.size() + 16);
    for (qsizetype i = 0; i < in.size(); ++i) {
        const QChar c = in.at(i);
        const char16_t u = c.unicode();
        if (u == '\r') {
            if (i + 1 < in.size() && in.at(i + 1) == u'\n') {
                continue;
            }
            out += QStringLiteral("<br>");
        } else if (u == '\n') {
            out += QStringLiteral("<br>");
        } else if (u < 0x20 || u == 0x7f || (u >= 0x80 && u < 0xa0)) {
            if (u == '\t') {
                out += QLatin1Char(' ');
            }
            // other controls (ANSI escapes, NUL, ...) are dropped
        } else if (u == '&') {
            out += QStringLiteral("&amp;");
        } else if (u == '<') {
            out += QStringLiteral("&lt;");
        } else if (u == '>') {
            out += QStringLiteral("&gt;");
        } else if (QStringView(u"\\`*_[]|~$").contains(c)) {
            out += QLatin1Char('\\');
            out += c;
        } else {
            out += c;
        }
    }
    if (cut) {
        out += QChar(0x2026);
    }
    return out;
}

} // namespace accel::ci
