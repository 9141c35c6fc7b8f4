#pragma once

#include <QString>

namespace accel::ci {

/// Text rules shared by the XML writers.
/// XML 1.0 allows only #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF];
/// not even a character reference may name anything else. Test output is full of such bytes
/// (ANSI colour escapes, NULs from binary dumps, lone surrogates from broken UTF-16).
namespace XmlText {

/// True when the code point may appear in an XML 1.0 document.
constexpr bool isAllowed(char32_t c)
{
    return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD) ||
           (c >= 0x10000 && c <= 0x10FFFF);
}

/// Replaces every code unit XML 1.0 forbids (including unpaired surrogates) with U+FFFD, so
/// a reader still sees that something was there. Returns the input unchanged (no copy) when
/// it is clean, which is the common case.
QString sanitized(const QString &text);

/// True when `sanitized(text) == text`.
bool isClean(const QString &text);

} // namespace XmlText

} // namespace accel::ci
