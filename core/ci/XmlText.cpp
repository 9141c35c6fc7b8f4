#include "ci/XmlText.h"

namespace accel::ci::XmlText {

namespace {

// Index of the first code unit that must be replaced, or -1.
qsizetype firstBad(const QString &text)
{
    const QChar *d = text.constData();
    const qsizetype n = text.size();
    for (qsizetype i = 0; i < n; ++i) {
        const char16_t u = d[i].unicode();
        if (u >= 0x20 && u < 0xD800) {
            continue; // fast path: almost all text
        }
        if (QChar::isHighSurrogate(u)) {
            if (i + 1 < n && QChar::isLowSurrogate(d[i + 1].unicode())) {
                ++i; // a pair encodes U+10000..U+10FFFF: allowed
                continue;
            }
            return i;
        }
        if (!isAllowed(u)) {
            return i; // controls, lone low surrogates, U+FFFE, U+FFFF
        }
    }
    return -1;
}

} // namespace

bool isClean(const QString &text)
{
    return firstBad(text) < 0;
}

QString sanitized(const QString &text)
{
    qsizetype i = firstBad(text);
    if (i < 0) {
        return text;
    }
    QString out = text;
    QChar *d = out.data();
    const qsizetype n = out.size();
    for (; i < n; ++i) {
        const char16_t u = d[i].unicode();
        if (u >= 0x20 && u < 0xD800) {
            continue;
        }
        if (QChar::isHighSurrogate(u)) {
            if (i + 1 < n && QChar::isLowSurrogate(d[i + 1].unicode())) {
                ++i;
                continue;
            }
            d[i] = QChar(QChar::ReplacementCharacter);
            continue;
        }
        if (!isAllowed(u)) {
            d[i] = QChar(QChar::ReplacementCharacter);
        }
    }
    return out;
}

} // namespace accel::ci::XmlText
